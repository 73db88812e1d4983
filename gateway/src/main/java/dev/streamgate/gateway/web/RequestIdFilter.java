package dev.streamgate.gateway.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every response an {@code x-request-id}, errors included (401 from authentication, 404, 429 ...), as
 * OpenAI does, so that a caller can quote any response to an operator. Runs first, before authentication, so
 * that no refusal goes out without one. The chat handler takes the same id through {@link RequestIds#assign} for its
 * completion id and usage record.
 *
 * <p>A caller's own {@code x-request-id} is not echoed and never becomes the gateway's id: the id is the usage
 * table's primary key and must be unique, which only the gateway can ensure. The caller's value is logged at
 * debug level next to the gateway's, so the two can be matched.
 */
final class RequestIdFilter implements WebFilter, Ordered {
    /** Ahead of {@link dev.streamgate.gateway.auth.AuthFilter#ORDER}. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;
    private static final Logger log = LoggerFactory.getLogger(RequestIdFilter.class);
    private static final int MAX_LOGGED_CLIENT_ID = 128;

    private final RequestIds ids;

    RequestIdFilter(RequestIds ids) {
        this.ids = ids;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = ids.assign(exchange);
        if (log.isDebugEnabled()) {
            String client = exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER);
            if (client != null) {
                log.debug("request {} carries the client's x-request-id {}", id, printable(client));
            }
        }
        return chain.filter(exchange);
    }

    /** The caller's value as it may go into a log line: printable ASCII only, and bounded. */
    private static String printable(String value) {
        String cut = value.length() > MAX_LOGGED_CLIENT_ID ? value.substring(0, MAX_LOGGED_CLIENT_ID) : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
