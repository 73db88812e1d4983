package dev.streamgate.adapters.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import io.netty.buffer.ByteBuf;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one upstream's streamed {@code chat.completion.chunk}s into {@link StreamEvent}s, keeping the order the
 * stream domain promises: deltas, then at most one usage report, then exactly one finish. OpenAI sends the
 * finish reason before the usage chunk, and some servers (vLLM with continuous usage stats) repeat usage on every
 * chunk, so both are held back and emitted, latest usage first, when {@code data: [DONE]} arrives — or when the
 * body ends after a finish reason, for servers that omit {@code [DONE]}.
 *
 * <p>Only choice 0 is read: the gateway refuses {@code n > 1}. One instance per stream; not thread-safe.
 */
public final class OpenAiChunkDecoder {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_EVENT_BYTES = 4 << 20;
    private static final int EXCERPT_CHARS = 200;

    private final JsonMapper json;
    private final SseParser parser = new SseParser(MAX_EVENT_BYTES);
    private final SseParser.Listener listener = this::onEvent;
    private List<StreamEvent> out;
    private FinishReason finishReason;
    private Usage usage;
    private boolean done;
    private long dataEvents;

    public OpenAiChunkDecoder(JsonMapper json) {
        this.json = json;
    }

    /**
     * Decodes the events completed by {@code buffer} into {@code sink}. Throws {@link ProtocolViolation} or
     * {@link UpstreamReportedError} after adding the events that preceded the problem, so none is lost.
     */
    public void feed(ByteBuf buffer, List<StreamEvent> sink) {
        out = sink;
        try {
            parser.feed(buffer, listener);
        } finally {
            out = null;
        }
    }

    /** The body ended: adds the held-back usage and finish, or throws if the stream was cut short. */
    public void end(List<StreamEvent> sink) {
        out = sink;
        try {
            parser.finish(listener);
            if (!done) {
                if (finishReason == null) {
                    throw new ProtocolViolation("upstream ended the stream without a finish_reason or [DONE]");
                }
                terminate();
            }
        } finally {
            out = null;
        }
    }

    /** How many SSE data messages arrived so far; the adapter's chunk timers measure progress with it. */
    public long dataEvents() {
        return dataEvents;
    }

    /** Whether the terminal events (usage, finish) have been produced. */
    public boolean done() {
        return done;
    }

    private void onEvent(String eventType, byte[] data, int length) {
        dataEvents++;
        if (done) {
            return;
        }
        if (length == DONE.length && java.util.Arrays.equals(data, 0, length, DONE, 0, DONE.length)) {
            terminate();
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data, 0, length);
        } catch (JacksonException e) {
            throw new ProtocolViolation("upstream sent malformed JSON: " + excerpt(data, length), e);
        }
        if (chunk == null || !chunk.isObject()) {
            throw new ProtocolViolation("upstream sent a chunk that is not a JSON object: " + excerpt(data, length));
        }
        if ("error".equals(eventType) || chunk.hasNonNull("error")) {
            throw UpstreamErrorBody.reportedError(chunk);
        }
        JsonNode choices = chunk.get("choices");
        if (choices != null && choices.isArray()) {
            for (JsonNode choice : choices.values()) {
                if (choice.path("index").asInt(0) == 0) {
                    decodeChoice(choice);
                }
            }
        }
        JsonNode usageNode = chunk.get("usage");
        if (usageNode != null && usageNode.isObject()) {
            usage = new Usage(usageNode.path("prompt_tokens").asInt(0),
                    usageNode.path("completion_tokens").asInt(0), false);
        }
    }

    private void decodeChoice(JsonNode choice) {
        JsonNode delta = choice.get("delta");
        if (delta != null && delta.isObject()) {
            JsonNode content = delta.get("content");
            if (content != null && content.isString()) {
                String text = content.stringValue();
                if (!text.isEmpty()) {
                    out.add(new StreamEvent.TextDelta(text));
                }
            }
            JsonNode toolCalls = delta.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray()) {
                for (JsonNode call : toolCalls.values()) {
                    JsonNode function = call.path("function");
                    out.add(new StreamEvent.ToolCallDelta(call.path("index").asInt(0), textOrNull(call.get("id")),
                            textOrNull(function.get("name")), textOrNull(function.get("arguments"))));
                }
            }
        }
        JsonNode reason = choice.get("finish_reason");
        if (reason != null && reason.isString()) {
            finishReason = FinishReason.fromWire(reason.stringValue());
        }
    }

    private void terminate() {
        done = true;
        if (usage != null) {
            out.add(new StreamEvent.UsageReport(usage));
        }
        out.add(new StreamEvent.Finish(finishReason == null ? FinishReason.STOP : finishReason));
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    private static String excerpt(byte[] data, int length) {
        String text = new String(data, 0, Math.min(length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
        return text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) + "…" : text;
    }
}
