package dev.streamgate.gateway.chat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.streamgate.adapters.EventLoopTimer;
import dev.streamgate.gateway.error.ErrorClassifier;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.web.DirectAnswer;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.OpenAiChunkEncoder;
import dev.streamgate.streaming.sse.Heartbeats;
import dev.streamgate.streaming.sse.SseFrames;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Streams a chat completion as OpenAI's SSE chunks, ending in {@code data: [DONE]} or an error event.
 *
 * <p>Nothing is written until the first chunk or heartbeat, so a request whose every deployment fails before
 * the first token still gets a proper HTTP error status (see {@code DirectAnswer.Streamed}). After that the status
 * is gone and a failure becomes an in-stream error event: a 200 never stops without {@code [DONE]} or an error. Frames
 * are flushed as soon as no other frame is ready; a client that disconnects cancels the subscription and with it
 * the upstream call.
 */
@Component
class SseResponder {
    private final MeteredEvents metered;
    private final ChatProperties properties;
    private final Scheduler heartbeatScheduler;

    SseResponder(MeteredEvents metered, ChatProperties properties, EventLoopTimer requestTimer) {
        this.metered = metered;
        this.properties = properties;
        this.heartbeatScheduler = requestTimer;
    }

    DirectAnswer.Streamed respond(ChatCall call) {
        var encoder = OpenAiChunkEncoder.sseFrames(call.id(), call.created(), call.chat().model(),
                call.chat().includeUsage());
        AtomicBoolean failed = new AtomicBoolean();
        Flux<byte[]> frames = metered.of(call)
                // a group of events becomes one buffer of frames: one write, one flush
                .map(batch -> frames(encoder, batch, failed))
                .filter(batchFrames -> batchFrames.length > 0)
                .concatWith(Mono.fromSupplier(SseFrames::done).filter(done -> !failed.get()));
        AtomicBoolean started = new AtomicBoolean();
        // Reactor Netty writes the frames that are ready and flushes when none is left, so a burst of chunks (an
        // upstream read that completed several) costs one flush and one system call, while a lone chunk is still
        // flushed at once
        Flux<byte[]> body = Heartbeats.withHeartbeats(frames, properties.heartbeatInterval(), SseFrames::keepAlive,
                        heartbeatScheduler)
                .doOnNext(frame -> started.set(true))
                .onErrorResume(error -> started.get() ? Mono.just(errorFrame(error)) : Mono.error(error));
        Map<String, String> headers = call.responseHeaders();
        headers.put("Cache-Control", "no-cache");
        // Tells nginx-style proxies not to buffer the stream.
        headers.put("X-Accel-Buffering", "no");
        return new DirectAnswer.Streamed(MediaType.TEXT_EVENT_STREAM_VALUE, headers, body);
    }

    /** The frames of a group of events, back to back; empty when none of them is written (a withheld usage). */
    private static byte[] frames(OpenAiChunkEncoder encoder, List<StreamEvent> batch, AtomicBoolean failed) {
        for (StreamEvent event : batch) {
            if (event instanceof StreamEvent.StreamError) {
                failed.set(true);
            }
        }
        return encoder.encodeAll(batch);
    }

    private static byte[] errorFrame(Throwable error) {
        GatewayException e = ErrorClassifier.classify(error);
        return SseFrames.data(OpenAiChunkEncoder.encodeError(
                new StreamEvent.StreamError(e.status(), e.type(), e.code(), e.getMessage())));
    }
}
