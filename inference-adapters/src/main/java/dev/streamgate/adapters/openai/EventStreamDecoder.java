package dev.streamgate.adapters.openai;

import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.MalformedResponseException;
import dev.streamgate.streaming.openai.OpenAiChunkDecoder;
import dev.streamgate.streaming.sse.SseEvent;
import dev.streamgate.streaming.sse.SseEventParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Decodes the {@code text/event-stream} body of one upstream response, fed with the network buffers as they
 * arrive: the streaming module's {@link SseEventParser} frames the events and its {@link OpenAiChunkDecoder} turns
 * them into {@link StreamEvent}s. What is left to this class is the body around them: data after the end of the
 * stream is ignored, and a body that ends without {@code [DONE]} is finished only if the upstream sent a finish
 * reason; otherwise it was cut off.
 *
 * <p>Failures are the streaming module's: {@link MalformedResponseException} for what is not OpenAI's format,
 * {@link dev.streamgate.streaming.sse.SseEventTooLargeException} for a runaway event. One instance per response;
 * not thread-safe.
 */
final class EventStreamDecoder {
    /** Larger than any chunk a model streams (a chunk carries a few tokens), small enough not to hurt if hostile. */
    static final int MAX_EVENT_BYTES = 4 << 20;

    private final SseEventParser parser;
    private final OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
    private long dataEvents;

    EventStreamDecoder() {
        this(MAX_EVENT_BYTES);
    }

    EventStreamDecoder(int maxEventBytes) {
        this.parser = new SseEventParser(maxEventBytes);
    }

    /**
     * Decodes the events that the readable bytes of {@code buffer} complete (without consuming them) into
     * {@code out}. A failure is thrown after the events that came before it were added, so none is lost.
     */
    void feed(ByteBuf buffer, List<StreamEvent> out) {
        List<SseEvent> events;
        if (buffer.hasArray()) {
            events = parser.feed(buffer.array(), buffer.arrayOffset() + buffer.readerIndex(),
                    buffer.readableBytes());
        } else {
            events = parser.feed(ByteBufUtil.getBytes(buffer));
        }
        decode(events, out);
    }

    /** The body ended: adds what the upstream left pending, or throws if the stream was cut short. */
    void end(List<StreamEvent> out) {
        decode(parser.flush(), out);
        if (decoder.ended()) {
            return;
        }
        if (!decoder.finishSeen()) {
            throw new MalformedResponseException("upstream ended the stream without a finish_reason or [DONE]");
        }
        out.addAll(decoder.complete());
    }

    /** How many SSE data events arrived so far, also after the end; the adapter's chunk timers count on it. */
    long dataEvents() {
        return dataEvents;
    }

    private void decode(List<SseEvent> events, List<StreamEvent> out) {
        for (SseEvent event : events) {
            dataEvents++;
            if (!decoder.ended()) {
                out.addAll(decoder.decode(event));
            }
        }
    }
}
