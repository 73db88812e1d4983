package dev.streamgate.streaming.openai;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.internal.StreamingJson;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of one streamed {@code chat.completion.chunk} that the gateway acts on, straight off Jackson's
 * token stream: {@code choices[index 0].delta.content}, {@code .refusal}, {@code .tool_calls},
 * {@code .finish_reason} and {@code usage}. Everything else is skipped without being built. A tree per chunk was
 * the largest allocation of a request (a reply streams a chunk per token), and the gateway reads only these.
 *
 * <p>The rules are those of the tree reader in {@link UpstreamResponses}: null counts as absent, a field of the
 * wrong type is a {@link MalformedResponseException}, only the first choice whose {@code index} is 0 or absent
 * is read. A chunk that carries an error ({@code error}, or {@code "object":"error"}) is rare and has several
 * shapes, so it is returned as {@link Chunk#ERROR} for the tree reader to decode.
 */
final class ChunkReader {

    /**
     * What one chunk carries; {@code toolCalls} are already decoded, in their array's order. For a whole completion
     * read by {@link #readCompletion}, the fields are those of choice 0's {@code message}; {@code hasChoice} and
     * {@code hasMessage} say whether there was such a choice and whether it had a message.
     */
    record Chunk(String content, String refusal, List<StreamEvent> toolCalls, String finishReason, JsonNode usage,
                 boolean hasChoice, boolean hasMessage) {
        static final Chunk ERROR = new Chunk(null, null, List.of(), null, null, false, false);
    }

    private ChunkReader() {
    }

    static Chunk read(String json) {
        try (JsonParser parser = StreamingJson.MAPPER.createParser(json)) {
            return read(parser, false);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads a chunk from its UTF-8 bytes, as they came off the network: no text is decoded or copied first. The
     * common chunk is read by {@link ChunkScanner} without a parser; Jackson reads the rest.
     */
    static Chunk read(byte[] utf8Json) {
        Chunk scanned = ChunkScanner.scan(utf8Json);
        if (scanned != null) {
            return scanned;
        }
        return readWithJackson(utf8Json);
    }

    /** {@link #read(byte[])} without the scanner: what the scanner's answers are held to. */
    static Chunk readWithJackson(byte[] utf8Json) {
        try (JsonParser parser = StreamingJson.MAPPER.createParser(utf8Json)) {
            return read(parser, false);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads a whole {@code chat.completion} (the answer to a request that did not stream) the same way: choice 0's
     * {@code message} instead of its {@code delta}, with tool calls complete rather than deltas.
     */
    static Chunk readCompletion(byte[] utf8Json) {
        try (JsonParser parser = StreamingJson.MAPPER.createParser(utf8Json)) {
            return read(parser, true);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    private static MalformedResponseException malformed(JacksonException e) {
        return new MalformedResponseException("upstream sent malformed JSON: " + e.getOriginalMessage(), e);
    }

    private static Chunk read(JsonParser parser, boolean completion) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedResponseException((completion ? "completion" : "chunk") + " is not a JSON object");
        }
        Choice first = null;
        JsonNode usage = null;
        boolean error = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "choices" -> first = value == JsonToken.VALUE_NULL ? null : choices(parser, completion);
                case "usage" -> usage = value == JsonToken.VALUE_NULL ? null : parser.readValueAsTree();
                case "error" -> {
                    error |= value != JsonToken.VALUE_NULL;
                    parser.skipChildren();
                }
                case "object" -> error |= value == JsonToken.VALUE_STRING && parser.getString().equals("error");
                default -> parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw new MalformedResponseException("upstream sent malformed JSON: trailing content after a "
                    + (completion ? "completion" : "chunk"));
        }
        if (error) {
            return Chunk.ERROR;
        }
        return first == null ? new Chunk(null, null, List.of(), null, usage, false, false)
                : new Chunk(first.content, first.refusal, first.toolCalls, first.finishReason, usage, true,
                first.hasMessage);
    }

    /** The first choice with index 0 or none; the parser is on the array's start and ends on its end. */
    private static Choice choices(JsonParser parser, boolean completion) {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new MalformedResponseException("choices is not an array");
        }
        Choice first = null;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("choice is not a JSON object");
            }
            if (first != null) {
                parser.skipChildren();
                continue;
            }
            Choice choice = choice(parser, completion);
            if (choice.firstIndex) {
                first = choice;
            }
        }
        return first;
    }

    private static Choice choice(JsonParser parser, boolean completion) {
        Choice choice = new Choice();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "index" -> choice.firstIndex = value == JsonToken.VALUE_NULL
                        || (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
                        && parser.getIntValue() == 0);
                case "delta" -> {
                    if (completion) {
                        parser.skipChildren();
                    } else {
                        delta(parser, choice, "delta", true);
                    }
                }
                case "message" -> {
                    if (completion) {
                        choice.hasMessage = value != JsonToken.VALUE_NULL;
                        delta(parser, choice, "message", false);
                    } else {
                        parser.skipChildren();
                    }
                }
                case "finish_reason" -> choice.finishReason = optionalString(parser, "finish_reason");
                default -> parser.skipChildren();
            }
        }
        return choice;
    }

    /** A chunk's {@code delta} or a completion's {@code message} ({@code streaming} false): the same fields. */
    private static void delta(JsonParser parser, Choice choice, String what, boolean streaming) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new MalformedResponseException(what + " is not a JSON object");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "content" -> choice.content = optionalString(parser, "content");
                case "refusal" -> choice.refusal = optionalString(parser, "refusal");
                case "tool_calls" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        choice.toolCalls = new ArrayList<>(1);
                        UpstreamResponses.toolCalls(parser.readValueAsTree(), choice.toolCalls, streaming);
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    private static String optionalString(JsonParser parser, String field) {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> parser.getString();
            default -> {
                // the tree reader's message, which quotes the value
                JsonNode node = parser.readValueAsTree();
                throw new MalformedResponseException(field + " is not a string: " + node);
            }
        };
    }

    /** One choice as read; only the first one whose index is 0 or absent counts. */
    private static final class Choice {
        boolean firstIndex = true;
        String content;
        String refusal;
        List<StreamEvent> toolCalls = List.of();
        String finishReason;
        boolean hasMessage;
    }
}
