package dev.streamgate.streaming.openai;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.internal.ByteSink;
import dev.streamgate.streaming.internal.StreamingJson;
import dev.streamgate.streaming.internal.WellFormedText;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * The pieces of a {@code chat.completion.chunk} in OpenAI's key order. Names are pre-encoded
 * {@link SerializedString}s, so a generator copies their bytes instead of escaping them again for every chunk.
 */
final class ChunkJson {
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString OBJECT = new SerializedString("object");
    private static final SerializableString CREATED = new SerializedString("created");
    private static final SerializableString MODEL = new SerializedString("model");
    private static final SerializableString CHOICES = new SerializedString("choices");
    private static final SerializableString USAGE = new SerializedString("usage");
    private static final SerializableString INDEX = new SerializedString("index");
    private static final SerializableString DELTA = new SerializedString("delta");
    private static final SerializableString ROLE = new SerializedString("role");
    private static final SerializableString CONTENT = new SerializedString("content");
    private static final SerializableString TOOL_CALLS = new SerializedString("tool_calls");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString FUNCTION = new SerializedString("function");
    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString ARGUMENTS = new SerializedString("arguments");
    private static final SerializableString LOGPROBS = new SerializedString("logprobs");
    private static final SerializableString FINISH_REASON = new SerializedString("finish_reason");
    private static final SerializableString PROMPT_TOKENS = new SerializedString("prompt_tokens");
    private static final SerializableString COMPLETION_TOKENS = new SerializedString("completion_tokens");
    private static final SerializableString TOTAL_TOKENS = new SerializedString("total_tokens");
    private static final SerializableString CHUNK_OBJECT = new SerializedString("chat.completion.chunk");
    private static final SerializableString ASSISTANT = new SerializedString("assistant");
    private static final SerializableString FUNCTION_TYPE = new SerializedString("function");
    private static final SerializableString EMPTY = new SerializedString("");

    private ChunkJson() {
    }

    /** Opens the chunk object and its {@code choices} array. */
    static void startChunk(JsonGenerator g, SerializableString id, long created, SerializableString model) {
        g.writeStartObject();
        g.writeName(ID);
        g.writeString(id);
        g.writeName(OBJECT);
        g.writeString(CHUNK_OBJECT);
        g.writeName(CREATED);
        g.writeNumber(created);
        g.writeName(MODEL);
        g.writeString(model);
        g.writeName(CHOICES);
        g.writeStartArray();
    }

    /** Closes {@code choices} and the chunk; {@code "usage":null} when the stream includes usage. */
    static void endChunk(JsonGenerator g, boolean usageNull) {
        g.writeEndArray();
        if (usageNull) {
            g.writeName(USAGE);
            g.writeNull();
        }
        g.writeEndObject();
    }

    /** Opens choice 0 and its {@code delta}. */
    static void startChoice(JsonGenerator g) {
        g.writeStartObject();
        g.writeName(INDEX);
        g.writeNumber(0);
        g.writeName(DELTA);
        g.writeStartObject();
    }

    /** Closes the {@code delta} and the choice. */
    static void endChoice(JsonGenerator g, FinishReason reason) {
        g.writeEndObject();
        g.writeName(LOGPROBS);
        g.writeNull();
        g.writeName(FINISH_REASON);
        if (reason == null) {
            g.writeNull();
        } else {
            g.writeString(reason.wireName());
        }
        g.writeEndObject();
    }

    /** {@code "role":"assistant","content":""}, or {@code "content":null} in front of tool calls. */
    static void role(JsonGenerator g, boolean nullContent) {
        g.writeName(ROLE);
        g.writeString(ASSISTANT);
        g.writeName(CONTENT);
        if (nullContent) {
            g.writeNull();
        } else {
            g.writeString(EMPTY);
        }
    }

    /**
     * Everything a text chunk has before its content string, {@code {"id":...,"choices":[{"index":0,"delta":
     * {"content":}, as the generator writes it: the part of every such chunk that only the stream decides.
     */
    static byte[] contentChunkHead(SerializableString id, long created, SerializableString model) {
        ByteSink head = new ByteSink(256);
        byte[] written;
        try (JsonGenerator g = StreamingJson.generator(head)) {
            startChunk(g, id, created, model);
            startChoice(g);
            g.writeName(CONTENT);
            g.writeString(EMPTY);
            g.flush();
            // taken before close, which would end the open objects
            written = head.toByteArray();
        }
        // the generator writes the name, then the colon and the value: drop the empty string it was given
        if (written.length < 3 || written[written.length - 3] != ':' || written[written.length - 1] != '"') {
            throw new IllegalStateException("unexpected chunk head: " + new String(written, StandardCharsets.UTF_8));
        }
        return Arrays.copyOf(written, written.length - 2);
    }

    /** What follows a text chunk's content string: the rest of {@link #endChoice} and {@link #endChunk}. */
    static byte[] contentChunkTail(boolean usageNull) {
        return ("},\"logprobs\":null,\"finish_reason\":null}]" + (usageNull ? ",\"usage\":null" : "") + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code "tool_calls":[{index, id, type, function:{name, arguments}}]}; id, type and name only if known. */
    static void toolCall(JsonGenerator g, ToolCallDelta delta) {
        g.writeName(TOOL_CALLS);
        g.writeStartArray();
        g.writeStartObject();
        g.writeName(INDEX);
        g.writeNumber(delta.index());
        if (delta.id() != null) {
            g.writeName(ID);
            g.writeString(WellFormedText.of(delta.id()));
            g.writeName(TYPE);
            g.writeString(FUNCTION_TYPE);
        }
        g.writeName(FUNCTION);
        g.writeStartObject();
        if (delta.name() != null) {
            g.writeName(NAME);
            g.writeString(WellFormedText.of(delta.name()));
        }
        g.writeName(ARGUMENTS);
        g.writeString(delta.argumentsDelta() == null ? "" : WellFormedText.of(delta.argumentsDelta()));
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
    }

    /** After {@link #startChunk}: an empty {@code choices} and the usage object. */
    static void usageChunkBody(JsonGenerator g, Usage usage) {
        g.writeEndArray();
        g.writeName(USAGE);
        g.writeStartObject();
        g.writeName(PROMPT_TOKENS);
        g.writeNumber(usage.promptTokens());
        g.writeName(COMPLETION_TOKENS);
        g.writeNumber(usage.completionTokens());
        g.writeName(TOTAL_TOKENS);
        g.writeNumber(usage.totalTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code {"error":{"message","type","param":null,"code"}}}: OpenAI's error object, never naming a param. */
    static void error(JsonGenerator g, StreamError error) {
        OpenAiErrorJson.write(g, error.message(), error.type(), null, error.code());
    }
}
