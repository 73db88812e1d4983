package dev.streamgate.streaming.openai;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.Finish;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.TextDelta;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.StreamEvent.UsageReport;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.internal.ByteSink;
import dev.streamgate.streaming.internal.JsonStrings;
import dev.streamgate.streaming.internal.StreamingJson;
import dev.streamgate.streaming.internal.WellFormedText;
import dev.streamgate.streaming.sse.SseFrames;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * Encodes one stream's events as OpenAI {@code chat.completion.chunk} JSON, byte for byte in OpenAI's shape: keys
 * in OpenAI's order ({@code id, object, created, model, choices, usage}; {@code system_fingerprint} is omitted,
 * which the official SDKs accept), {@code "index":0} and {@code "logprobs":null} on every choice.
 *
 * <ul>
 *   <li>Before the first text (or an empty finish) comes a role chunk {@code {"role":"assistant","content":""}};
 *       a stream that starts with a tool call carries the role in that first tool-call chunk with
 *       {@code "content":null}, as OpenAI does.</li>
 *   <li>{@link Finish} becomes {@code {"delta":{},"finish_reason":...}}. With {@code includeUsage}, every chunk
 *       has {@code "usage":null} and a last chunk with {@code "choices":[]} carries the usage; a
 *       {@link UsageReport} is held until the finish chunk is out (or, if it comes after {@link Finish}, sent on
 *       arrival). Without a report there is no usage chunk: callers add an estimated report when the upstream
 *       gave none. Without {@code includeUsage} a report is not written.</li>
 *   <li>{@link StreamError} becomes {@code {"error":{"message","type","param":null,"code"}}}, which the SDKs raise
 *       as an API error.</li>
 * </ul>
 *
 * <p>One instance per stream, fed serially; not thread-safe. It keeps one buffer for the whole stream, and its
 * generator for a group of events ({@link #encodeAll}) or, fed event by event, until the last chunk or
 * {@link #close()} (a cancelled stream). {@link #encode(StreamEvent, ChunkSink)} hands out views of that buffer,
 * so a writer copies each chunk once, straight into its network buffer.
 */
public final class OpenAiChunkEncoder implements AutoCloseable {

    /** Receives one encoded chunk; the bytes are only valid during the call. */
    @FunctionalInterface
    public interface ChunkSink {
        void chunk(byte[] buffer, int offset, int length);
    }

    private final SerializableString id;
    private final long created;
    private final SerializableString model;
    private final boolean includeUsage;
    /** Whether each chunk is handed out as a whole SSE data frame, {@code data: <json>\n\n}. */
    private final boolean sseFrames;
    private final ByteSink out = new ByteSink(512);
    /** A text chunk around its content, written without a generator: most of a stream's chunks. */
    private final byte[] contentHead;
    private final byte[] contentTail;
    /** Collects the chunks of a group for {@link #encodeAll}; made on first use. */
    private ByteSink group;
    private JsonGenerator generator;
    private boolean roleSent;
    private boolean finished;
    private boolean failed;
    private boolean usageSent;
    private Usage usage;

    /**
     * @param completionId the response id, {@code chatcmpl-...}, the same on every chunk
     * @param created      epoch seconds, the same on every chunk
     * @param model        the model name the client sees
     * @param includeUsage the request's {@code stream_options.include_usage}
     */
    public OpenAiChunkEncoder(String completionId, long created, String model, boolean includeUsage) {
        this(completionId, created, model, includeUsage, false);
    }

    private OpenAiChunkEncoder(String completionId, long created, String model, boolean includeUsage,
                               boolean sseFrames) {
        this.id = new SerializedString(WellFormedText.of(completionId));
        this.created = created;
        this.model = new SerializedString(WellFormedText.of(model));
        this.includeUsage = includeUsage;
        this.sseFrames = sseFrames;
        this.contentHead = ChunkJson.contentChunkHead(id, created, this.model);
        this.contentTail = ChunkJson.contentChunkTail(includeUsage);
        resetOut();
    }

    /**
     * An encoder whose sink receives whole SSE data frames ({@code data: <chunk>\n\n}, see {@link SseFrames}):
     * the frame is written around the chunk in the encoder's own buffer, so a writer copies it once.
     */
    public static OpenAiChunkEncoder sseFrames(String completionId, long created, String model,
                                               boolean includeUsage) {
        return new OpenAiChunkEncoder(completionId, created, model, includeUsage, true);
    }

    /** Encodes an event into zero, one or two chunks (copies; see {@link #encode(StreamEvent, ChunkSink)}). */
    public List<byte[]> encode(StreamEvent event) {
        var chunks = new ArrayList<byte[]>(2);
        encode(event, (buffer, offset, length) -> chunks.add(Arrays.copyOfRange(buffer, offset, offset + length)));
        return chunks;
    }

    /**
     * Encodes an event into zero, one or two chunks handed to {@code sink} in order.
     *
     * @throws IllegalStateException for an event after the end of the stream (other than a late usage report),
     *                               or a second usage report
     */
    public void encode(StreamEvent event, ChunkSink sink) {
        try {
            encodeEvent(event, sink);
        } catch (RuntimeException e) {
            // A generator that failed mid-chunk is in an unknown state; start the next chunk on a fresh one.
            generator = null;
            resetOut();
            throw e;
        }
    }

    /**
     * Encodes a group of events into one array: their chunks back to back (whole frames for an encoder made by
     * {@link #sseFrames}), so that a writer sends the group in one write. Empty when no event writes a chunk (a
     * usage report the client did not ask for).
     *
     * @throws IllegalStateException as {@link #encode(StreamEvent, ChunkSink)}; the group's chunks are then lost
     */
    public byte[] encodeAll(List<? extends StreamEvent> events) {
        if (group == null) {
            group = new ByteSink(512);
        }
        group.reset();
        try {
            for (StreamEvent event : events) {
                encode(event, group::write);
            }
        } finally {
            // Between groups a stream may wait for seconds: its generator's buffers (some 16 KB) go back to the
            // thread's pool meanwhile instead of being held by every open stream.
            releaseGenerator();
        }
        return group.toByteArray();
    }

    /** Releases the generator's pooled buffers; a stream that ended normally has already done so. */
    @Override
    public void close() {
        releaseGenerator();
        resetOut();
    }

    /** Closes the generator, which hands its buffers back; every chunk written so far was flushed. */
    private void releaseGenerator() {
        if (generator != null) {
            generator.close();
            generator = null;
        }
    }

    /** The in-stream error payload, for an error outside an encoder's stream (same JSON as the error chunk). */
    public static byte[] encodeError(StreamError error) {
        return OpenAiErrorJson.toBytes(error);
    }

    private void encodeEvent(StreamEvent event, ChunkSink sink) {
        switch (event) {
            case TextDelta delta -> {
                requireOpen(event);
                if (!roleSent) {
                    roleChunk(sink);
                }
                // the same bytes as the generator's (OpenAiChunkEncoderTest compares them), without one
                out.write(contentHead, 0, contentHead.length);
                JsonStrings.writeQuoted(out, WellFormedText.of(delta.text()));
                out.write(contentTail, 0, contentTail.length);
                emit(sink);
            }
            case ToolCallDelta delta -> {
                requireOpen(event);
                JsonGenerator g = startChoiceChunk();
                if (!roleSent) {
                    ChunkJson.role(g, true);
                }
                ChunkJson.toolCall(g, delta);
                endChoiceChunk(g, null, sink);
                roleSent = true;
            }
            case UsageReport report -> usage(report.usage(), sink);
            case Finish finish -> finish(finish.reason(), sink);
            case StreamError error -> {
                requireOpen(event);
                finished = true;
                failed = true;
                ChunkJson.error(generator(), error);
                emit(sink);
                close();
            }
        }
    }

    private void finish(FinishReason reason, ChunkSink sink) {
        if (finished) {
            throw new IllegalStateException("event after the end of the stream: finish " + reason);
        }
        if (!roleSent) {
            roleChunk(sink);
        }
        endChoiceChunk(startChoiceChunk(), reason, sink);
        finished = true;
        if (includeUsage && usage != null) {
            usageChunk(sink);
        }
        if (!includeUsage || usageSent) {
            close();
        }
    }

    private void usage(Usage reported, ChunkSink sink) {
        if (failed || usage != null) {
            throw new IllegalStateException("unexpected usage report: " + (failed ? "after an error"
                    : "a stream carries at most one"));
        }
        usage = reported;
        if (finished && includeUsage) {
            usageChunk(sink);
            close();
        }
    }

    private void requireOpen(StreamEvent event) {
        if (finished) {
            throw new IllegalStateException("event after the end of the stream: " + event);
        }
    }

    private void roleChunk(ChunkSink sink) {
        JsonGenerator g = startChoiceChunk();
        ChunkJson.role(g, false);
        endChoiceChunk(g, null, sink);
        roleSent = true;
    }

    private void usageChunk(ChunkSink sink) {
        JsonGenerator g = generator();
        ChunkJson.startChunk(g, id, created, model);
        ChunkJson.usageChunkBody(g, usage);
        usageSent = true;
        emit(sink);
    }

    private JsonGenerator startChoiceChunk() {
        JsonGenerator g = generator();
        ChunkJson.startChunk(g, id, created, model);
        ChunkJson.startChoice(g);
        return g;
    }

    private void endChoiceChunk(JsonGenerator g, FinishReason reason, ChunkSink sink) {
        ChunkJson.endChoice(g, reason);
        ChunkJson.endChunk(g, includeUsage);
        emit(sink);
    }

    private void emit(ChunkSink sink) {
        if (generator != null) {
            generator.flush();
        }
        if (sseFrames) {
            SseFrames.closeData(out);
        }
        try {
            sink.chunk(out.array(), 0, out.length());
        } finally {
            resetOut();
        }
    }

    /**
     * Empties the buffer for the next chunk; a framed one starts with the frame's prefix. The generator has
     * flushed everything by then (or was dropped), so nothing it holds can land before the prefix.
     */
    private void resetOut() {
        out.reset();
        if (sseFrames) {
            SseFrames.openData(out);
        }
    }

    private JsonGenerator generator() {
        if (generator == null) {
            generator = StreamingJson.generator(out);
        }
        return generator;
    }
}
