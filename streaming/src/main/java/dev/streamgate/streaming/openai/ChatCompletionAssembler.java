package dev.streamgate.streaming.openai;

import java.util.Map;
import java.util.TreeMap;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.Finish;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.TextDelta;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.StreamEvent.UsageReport;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.internal.ByteSink;
import dev.streamgate.streaming.internal.StreamingJson;
import dev.streamgate.streaming.internal.WellFormedText;
import tools.jackson.core.JsonGenerator;

/**
 * Collects a stream's events into the non-streaming {@code chat.completion} response: text deltas joined into
 * {@code message.content} (null when the answer is only tool calls), tool-call deltas merged per index into
 * {@code message.tool_calls}, the finish reason and the usage. Typical use:
 * {@code events.collect(() -> new ChatCompletionAssembler(id, created, model), ChatCompletionAssembler::accept)}.
 * A stream that ends in a {@link StreamError} has no completion: check {@link #error()} first. Not thread-safe.
 */
public final class ChatCompletionAssembler {
    private final String id;
    private final long created;
    private final String model;
    private StringBuilder content;
    private final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
    private Usage usage;
    private FinishReason finishReason;
    private StreamError error;

    public ChatCompletionAssembler(String completionId, long created, String model) {
        this.id = completionId;
        this.created = created;
        this.model = model;
    }

    /** @throws IllegalStateException for an event after the end of the stream, or a second usage report */
    public void accept(StreamEvent event) {
        switch (event) {
            case TextDelta delta -> {
                requireOpen(event);
                if (content == null) {
                    content = new StringBuilder();
                }
                content.append(delta.text());
            }
            case ToolCallDelta delta -> {
                requireOpen(event);
                toolCalls.computeIfAbsent(delta.index(), index -> new ToolCall()).merge(delta);
            }
            case UsageReport report -> {
                if (usage != null || error != null) {
                    throw new IllegalStateException("unexpected usage report: " + report);
                }
                usage = report.usage();
            }
            case Finish finish -> {
                requireOpen(event);
                finishReason = finish.reason();
            }
            case StreamError streamError -> {
                requireOpen(event);
                error = streamError;
            }
        }
    }

    /** True once the stream has ended normally. */
    public boolean finished() {
        return finishReason != null;
    }

    /** The error the stream ended with, or null. */
    public StreamError error() {
        return error;
    }

    /** The reported usage, or null when none was reported. */
    public Usage usage() {
        return usage;
    }

    /** The text so far ("" when none). */
    public String content() {
        return content == null ? "" : content.toString();
    }

    /**
     * The {@code chat.completion} JSON. {@code usage} is present when a report was received (callers add an
     * estimated one when the upstream gave none).
     *
     * @throws IllegalStateException if the stream has not finished normally
     */
    public byte[] toJson() {
        if (error != null) {
            throw new IllegalStateException("the stream ended with an error: " + error);
        }
        if (finishReason == null) {
            throw new IllegalStateException("the stream has not finished");
        }
        var sink = new ByteSink(256 + (content == null ? 0 : content.length() * 2));
        try (JsonGenerator g = StreamingJson.generator(sink)) {
            g.writeStartObject();
            g.writeStringProperty("id", WellFormedText.of(id));
            g.writeStringProperty("object", "chat.completion");
            g.writeNumberProperty("created", created);
            g.writeStringProperty("model", WellFormedText.of(model));
            g.writeArrayPropertyStart("choices");
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            writeMessage(g);
            g.writeNullProperty("logprobs");
            g.writeStringProperty("finish_reason", finishReason.wireName());
            g.writeEndObject();
            g.writeEndArray();
            if (usage != null) {
                g.writeObjectPropertyStart("usage");
                g.writeNumberProperty("prompt_tokens", usage.promptTokens());
                g.writeNumberProperty("completion_tokens", usage.completionTokens());
                g.writeNumberProperty("total_tokens", usage.totalTokens());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return sink.toByteArray();
    }

    private void writeMessage(JsonGenerator g) {
        g.writeObjectPropertyStart("message");
        g.writeStringProperty("role", "assistant");
        if (content == null && !toolCalls.isEmpty()) {
            g.writeNullProperty("content");
        } else {
            g.writeStringProperty("content", content == null ? "" : WellFormedText.of(content.toString()));
        }
        g.writeNullProperty("refusal");
        if (!toolCalls.isEmpty()) {
            g.writeArrayPropertyStart("tool_calls");
            for (ToolCall call : toolCalls.values()) {
                g.writeStartObject();
                g.writeStringProperty("id", call.id == null ? null : WellFormedText.of(call.id));
                g.writeStringProperty("type", "function");
                g.writeObjectPropertyStart("function");
                g.writeStringProperty("name", call.name == null ? null : WellFormedText.of(call.name));
                g.writeStringProperty("arguments", WellFormedText.of(call.arguments.toString()));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private void requireOpen(StreamEvent event) {
        if (finishReason != null || error != null) {
            throw new IllegalStateException("event after the end of the stream: " + event);
        }
    }

    /** One tool call being merged: the first delta that has an id or name sets it, arguments concatenate. */
    private static final class ToolCall {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void merge(ToolCallDelta delta) {
            if (id == null) {
                id = delta.id();
            }
            if (name == null) {
                name = delta.name();
            }
            if (delta.argumentsDelta() != null) {
                arguments.append(delta.argumentsDelta());
            }
        }
    }
}
