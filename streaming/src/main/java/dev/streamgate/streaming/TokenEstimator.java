package dev.streamgate.streaming;

import java.util.List;

import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import tools.jackson.databind.JsonNode;

/**
 * Token counts without a tokenizer, for admission (how many tokens to reserve before a request runs) and for
 * metering when an upstream reports no usage (such counts are billed with {@link Usage#estimated()} set).
 *
 * <p>Text: OpenAI's rule of thumb of one token per four characters of English, counted in UTF-8 bytes rather than
 * characters, which gives the same answer for ASCII but does not undercount scripts whose characters are several
 * bytes and usually at least one token each (CJK, emoji) by a factor of four.
 *
 * <p>Prompts: the per-message framing of OpenAI's cookbook "How to count tokens with tiktoken" — 3 tokens per
 * message, 1 more when it has a name, 3 that prime the reply — plus the text, tool calls and tool definitions, and
 * a flat {@value #NON_TEXT_PART_TOKENS} tokens (a low-detail image) for each image, audio or file part.
 */
public final class TokenEstimator {
    public static final int TOKENS_PER_MESSAGE = 3;
    public static final int TOKENS_PER_NAME = 1;
    public static final int REPLY_PRIMING_TOKENS = 3;
    public static final int NON_TEXT_PART_TOKENS = 85;
    private static final int BYTES_PER_TOKEN = 4;

    private TokenEstimator() {
    }

    /** Estimated tokens of a piece of text: ceil(UTF-8 length / 4). */
    public static int textTokens(CharSequence text) {
        return tokens(utf8Length(text));
    }

    /** The estimated prompt tokens of a request: messages, and tool definitions from {@code raw.tools}. */
    public static int promptTokens(ChatCompletionRequest request) {
        long tokens = messageTokens(request.messages());
        JsonNode tools = request.raw() == null ? null : request.raw().get("tools");
        if (tools != null && tools.isArray()) {
            tokens += tokens(jsonUtf8Length(tools));
        }
        return clamp(tokens);
    }

    public static int promptTokens(List<ChatMessage> messages) {
        return clamp(messageTokens(messages));
    }

    /** UTF-8 byte length, computed without encoding; half a surrogate pair counts as two bytes. */
    public static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static int tokens(long utf8Bytes) {
        return clamp((utf8Bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
    }

    private static long messageTokens(List<ChatMessage> messages) {
        long tokens = REPLY_PRIMING_TOKENS;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + textTokens(message.text());
            if (message.name() != null) {
                tokens += TOKENS_PER_NAME + textTokens(message.name());
            }
            JsonNode raw = message.raw();
            if (raw != null) {
                tokens += nonTextParts(raw.get("content")) * (long) NON_TEXT_PART_TOKENS;
                JsonNode toolCalls = raw.get("tool_calls");
                if (toolCalls != null && toolCalls.isArray()) {
                    tokens += tokens(jsonUtf8Length(toolCalls));
                }
            }
        }
        return tokens;
    }

    private static int nonTextParts(JsonNode content) {
        if (content == null || !content.isArray()) {
            return 0;
        }
        int parts = 0;
        for (JsonNode part : content) {
            JsonNode type = part.get("type");
            if (type != null && type.isString() && !type.stringValue().equals("text")
                    && !type.stringValue().equals("refusal")) {
                parts++;
            }
        }
        return parts;
    }

    /** The length of a JSON tree's names and values, without serializing it (structure characters ignored). */
    private static long jsonUtf8Length(JsonNode node) {
        if (node.isString()) {
            return utf8Length(node.stringValue());
        }
        if (node.isObject()) {
            long bytes = 0;
            for (var property : node.properties()) {
                bytes += utf8Length(property.getKey()) + jsonUtf8Length(property.getValue());
            }
            return bytes;
        }
        if (node.isArray()) {
            long bytes = 0;
            for (JsonNode element : node) {
                bytes += jsonUtf8Length(element);
            }
            return bytes;
        }
        return node.isNull() ? 0 : node.asString().length();
    }

    private static int clamp(long tokens) {
        return (int) Math.min(tokens, Integer.MAX_VALUE);
    }
}
