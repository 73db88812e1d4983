package dev.streamgate.gateway.web;

import java.util.random.RandomGenerator;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Request ids: a prefix and 24 base62 characters (~143 bits), unique without coordination between gateway
 * instances. A chat completion's id is {@code chatcmpl-...}, as OpenAI's are, and is the primary key of the usage
 * table, so metering is exactly-once per id; other requests get {@code req_...}, the form of OpenAI's
 * {@code x-request-id}. One id per exchange, assigned once (see {@link RequestIdFilter}) and sent as
 * {@value #HEADER}.
 */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    /** The exchange attribute that holds the request's id. */
    public static final String ATTRIBUTE = RequestIds.class.getName() + ".id";
    public static final String CHAT_PREFIX = "chatcmpl-";
    public static final String OTHER_PREFIX = "req_";

    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int LENGTH = 24;
    private static final PathPattern CHAT = PathPatternParser.defaultInstance.parse("/v1/chat/completions");

    private final RandomGenerator random;

    public RequestIds(RandomGenerator random) {
        this.random = random;
    }

    /**
     * The exchange's id: the one already assigned, else a fresh one, stored under {@link #ATTRIBUTE} and set as the
     * response's {@value #HEADER}.
     */
    public String assign(ServerWebExchange exchange) {
        String existing = exchange.getAttribute(ATTRIBUTE);
        if (existing != null) {
            return existing;
        }
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        String id = next(CHAT.matches(path) ? CHAT_PREFIX : OTHER_PREFIX);
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        return id;
    }

    // One draw of random bytes per id (usually): each byte's low 6 bits pick a character, and the two values
    // past the alphabet are skipped, so every character stays uniform.
    public String next(String prefix) {
        char[] id = new char[LENGTH];
        byte[] bytes = new byte[LENGTH + 8];
        int filled = 0;
        while (filled < LENGTH) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < LENGTH; i++) {
                int six = bytes[i] & 0x3f;
                if (six < ALPHABET.length) {
                    id[filled++] = ALPHABET[six];
                }
            }
        }
        return prefix + new String(id);
    }
}
