package dev.streamgate.streaming.openai;

import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.internal.ByteSink;
import dev.streamgate.streaming.internal.StreamingJson;
import dev.streamgate.streaming.internal.WellFormedText;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * OpenAI's error object, {@code {"error":{"message","type","param","code"}}} (OpenAI API reference, "Error codes";
 * the SDKs read exactly these four keys), written with a streaming generator: the one writer of this shape for the
 * gateway's error responses, the in-stream error frame and the worker's HTTP server.
 *
 * <p>{@code message} is always a string (an absent one is written as {@code ""}, because the SDKs print it);
 * {@code type}, {@code param} and {@code code} are {@code null} when absent, as OpenAI sends them. Text with lone
 * surrogates is repaired first so that the bytes are always valid UTF-8 JSON.
 */
public final class OpenAiErrorJson {
    private static final SerializableString ERROR = new SerializedString("error");
    private static final SerializableString MESSAGE = new SerializedString("message");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString PARAM = new SerializedString("param");
    private static final SerializableString CODE = new SerializedString("code");

    private OpenAiErrorJson() {
    }

    /** The error object as UTF-8 bytes. */
    public static byte[] toBytes(String message, String type, String param, String code) {
        var sink = new ByteSink(128 + (message == null ? 0 : message.length()));
        try (JsonGenerator g = StreamingJson.generator(sink)) {
            write(g, message, type, param, code);
        }
        return sink.toByteArray();
    }

    /** A stream's error as the error object; a stream error never names a parameter. */
    public static byte[] toBytes(StreamError error) {
        return toBytes(error.message(), error.type(), null, error.code());
    }

    /** Writes the error object as the generator's next value. */
    public static void write(JsonGenerator g, String message, String type, String param, String code) {
        g.writeStartObject();
        g.writeName(ERROR);
        g.writeStartObject();
        g.writeName(MESSAGE);
        g.writeString(message == null ? "" : WellFormedText.of(message));
        nullableString(g, TYPE, type);
        nullableString(g, PARAM, param);
        nullableString(g, CODE, code);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void nullableString(JsonGenerator g, SerializableString name, String value) {
        g.writeName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(WellFormedText.of(value));
        }
    }
}
