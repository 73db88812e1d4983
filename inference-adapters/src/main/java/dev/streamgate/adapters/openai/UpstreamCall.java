package dev.streamgate.adapters.openai;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.streamgate.adapters.internal.RetryAfter;
import dev.streamgate.adapters.internal.UpstreamErrorBody;
import dev.streamgate.adapters.internal.UpstreamFailures;
import dev.streamgate.adapters.internal.UpstreamRequestBody;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.adapters.spi.RequestLogContext;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.UpstreamTimeouts;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.MalformedResponseException;
import dev.streamgate.streaming.openai.OpenAiChunkDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The state of one upstream exchange: decoder, timers and the connection, which is closed rather than pooled
 * when the exchange ends before the response body was read to its end (cancellation, timeout, bad stream), so
 * that the upstream sees the client leave and stops generating.
 */
final class UpstreamCall {
    private static final Logger log = LoggerFactory.getLogger(UpstreamCall.class);
    /** Far above any chat answer (128k tokens of text are about half a MiB), far below what would hurt the heap. */
    static final int MAX_WHOLE_BODY_BYTES = 32 << 20;

    private final DeploymentConfig deployment;
    private final UpstreamTimeouts timeouts;
    private final ObjectNode body;
    private final JsonMapper json;
    private final Clock clock;
    private final Scheduler timer;
    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private final long startMillis;
    private final TraceParent trace;
    /** Whether the upstream was asked to stream; a single-response request gets one JSON answer. */
    private final boolean streaming;
    private volatile Connection connection;
    private volatile boolean bodyRead;
    private volatile boolean chunkSeen;
    /** When the call times out unless the upstream shows progress first (see {@link #expiry()}). */
    private volatile long deadlineMillis;
    private volatile boolean expired;
    private volatile boolean eventEmitted;
    private volatile boolean terminalEmitted;

    UpstreamCall(DeploymentConfig deployment, InferenceRequest request, boolean streamUsage, JsonMapper json,
                 Clock clock, Scheduler timer) {
        this.deployment = deployment;
        this.timeouts = deployment.timeouts();
        this.json = json;
        this.clock = clock;
        this.timer = timer;
        this.body = UpstreamRequestBody.build(json, request, deployment.upstreamModel(), streamUsage);
        this.streaming = request.chat().stream();
        this.startMillis = timer.now(TimeUnit.MILLISECONDS);
        this.deadlineMillis = startMillis + (streaming ? min(timeouts.firstToken(), timeouts.total())
                : timeouts.total()).toMillis();
        this.trace = request.trace();
    }

    /** The request body, serialised straight into a pooled network buffer. */
    Mono<ByteBuf> body(ByteBufAllocator allocator) {
        return Mono.fromCallable(() -> {
            ByteBuf buffer = allocator.buffer();
            try {
                json.writeValue((OutputStream) new ByteBufOutputStream(buffer), body);
                return buffer;
            } catch (RuntimeException e) {
                buffer.release();
                throw e;
            }
        });
    }

    /**
     * Reads the response: batches of events, one per network buffer that completed at least one SSE message, or
     * one batch for a whole {@code chat.completion} (the answer to a request that did not stream).
     */
    Flux<List<StreamEvent>> read(HttpClientResponse response, Connection connection) {
        this.connection = connection;
        int status = response.status().code();
        HttpHeaders headers = response.responseHeaders();
        if (status < 200 || status > 299) {
            return readWhole(connection).flatMapMany(text -> Flux.error(statusError(status, headers, text)));
        }
        String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
        boolean jsonAnswer = contentType != null && contentType.startsWith("application/json");
        if (jsonAnswer && !streaming) {
            return readWholeBody(connection, OpenAiChunkDecoder::decodeCompletion).flux();
        }
        if (jsonAnswer) {
            return readWhole(connection).flatMapMany(text -> Flux.error(new UpstreamException(
                    UpstreamException.Kind.PROTOCOL, deployment.id(), status, null, "upstream " + deployment.id()
                    + " answered with JSON instead of an event stream: " + UpstreamErrorBody.message(json, text),
                    null)));
        }
        // concatMap over scalar results and map, not handle(): Reactor restores the context's thread-locals around
        // every handle() call, which is work done per network buffer and per event for nothing here
        return connection.inbound().receive()
                .doOnComplete(() -> bodyRead = true)
                .concatMap(this::decode)
                .takeUntil(UpstreamCall::endsWithReportedError)
                .concatWith(Mono.fromCallable(this::end).filter(batch -> !batch.isEmpty()));
    }

    /**
     * A whole response body, at most {@value #MAX_WHOLE_BODY_BYTES} bytes, decoded: a single answer or an error body,
     * never without a bound, so a runaway upstream costs a protocol error rather than the gateway's memory.
     */
    private <T> Mono<T> readWholeBody(Connection connection, Function<byte[], T> decode) {
        // reduceWith emits its seed for an empty body, and one map does the rest: a single answer goes through
        // as few operators as a body can
        return connection.inbound().receive()
                .reduceWith(ByteArrayOutputStream::new, (out, buffer) -> {
                    int length = buffer.readableBytes();
                    if (out.size() + length > MAX_WHOLE_BODY_BYTES) {
                        throw new MalformedResponseException("upstream " + deployment.id() + " answered with more "
                                + "than " + MAX_WHOLE_BODY_BYTES + " bytes");
                    }
                    byte[] bytes = new byte[length];
                    buffer.getBytes(buffer.readerIndex(), bytes);
                    out.writeBytes(bytes);
                    return out;
                })
                .map(out -> {
                    bodyRead = true;
                    return decode.apply(out.toByteArray());
                });
    }

    private Mono<String> readWhole(Connection connection) {
        return readWholeBody(connection, bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * The events the buffer completes, as one batch when there are any, then the decoder's failure, if it failed,
     * after the events that came before it, so none is lost. Any completed SSE message, one without an event too
     * (a comment, an empty chunk), is progress for the between-chunks timer.
     */
    private Flux<List<StreamEvent>> decode(ByteBuf buffer) {
        long before = decoder.dataEvents();
        List<StreamEvent> batch = new ArrayList<>(4);
        RuntimeException failure = null;
        try {
            decoder.feed(buffer, batch);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean progress = decoder.dataEvents() != before;
        if (progress) {
            progressed();
        }
        Flux<List<StreamEvent>> events = batch.isEmpty() ? Flux.empty() : Flux.just(batch);
        return failure == null ? events : events.concatWith(Flux.error(failure));
    }

    /**
     * The upstream reported an error in its stream: it has nothing more to say, so reading stops there (which
     * closes the connection rather than waiting for the upstream to end the body).
     */
    private static boolean endsWithReportedError(List<StreamEvent> batch) {
        return !batch.isEmpty() && batch.getLast() instanceof StreamEvent.StreamError;
    }

    private List<StreamEvent> end() {
        List<StreamEvent> batch = new ArrayList<>(2);
        decoder.end(batch);
        return batch;
    }

    private UpstreamException statusError(int status, HttpHeaders headers, String text) {
        Duration retryAfter = RetryAfter.parse(headers.get(HttpHeaderNames.RETRY_AFTER),
                headers.get("retry-after-ms"), clock);
        UpstreamErrorBody.Parsed body = UpstreamErrorBody.parse(json, text);
        return new UpstreamException(UpstreamException.Kind.HTTP_STATUS, deployment.id(), status, retryAfter,
                "upstream " + deployment.id() + " answered " + status + ": " + body.message(), body.error(), null);
    }

    /**
     * Emits once when the call's deadline passes without progress: the first chunk's (for a request that does not
     * stream, the whole answer is its first chunk, bounded by the total timeout only), then the next chunk's after
     * each one, never past the total. One timer per call that re-arms itself when it finds progress, rather than a
     * timer scheduled and cancelled for every chunk, which cost more than anything else done per chunk.
     */
    Mono<Long> expiry() {
        return Mono.defer(() -> {
                    long wait = deadlineMillis - timer.now(TimeUnit.MILLISECONDS);
                    if (wait <= 0) {
                        expired = true;
                        return Mono.just(0L);
                    }
                    return Mono.delay(Duration.ofMillis(wait), timer).then(Mono.<Long>empty());
                })
                .repeatWhenEmpty(Integer.MAX_VALUE, rounds -> rounds);
    }

    /** The timeout error after {@link #expiry()} fired; nothing otherwise. */
    Flux<List<StreamEvent>> timedOutIfExpired() {
        return expired ? timedOut() : Flux.empty();
    }

    /** Any message from the upstream (an empty batch too) is progress: the next chunk's deadline starts now. */
    private void progressed() {
        chunkSeen = true;
        long now = timer.now(TimeUnit.MILLISECONDS);
        deadlineMillis = Math.min(now + timeouts.betweenChunks().toMillis(),
                startMillis + timeouts.total().toMillis());
    }

    /** The error the expired deadline stands for; which one it was is worked out when it fires. */
    private Flux<List<StreamEvent>> timedOut() {
        return Flux.defer(() -> {
            long elapsed = timer.now(TimeUnit.MILLISECONDS) - startMillis;
            String what;
            if (elapsed >= timeouts.total().toMillis()) {
                what = "the whole response took longer than " + timeouts.total();
            } else if (!chunkSeen) {
                what = "no first chunk within " + timeouts.firstToken();
            } else {
                what = "no chunk for " + timeouts.betweenChunks();
            }
            return Flux.error(new UpstreamException(UpstreamException.Kind.TIMEOUT, deployment.id(), 0, null,
                    "upstream " + deployment.id() + " timed out: " + what, null));
        });
    }

    /**
     * Passes a batch of decoded events on, except an error the upstream reported in its stream. Before the first
     * event it fails the call like an error status would, so the router may try another deployment; after it, it
     * ends the stream as a {@link StreamEvent.StreamError} in the adapter's terms, as every mid-stream failure
     * does. Events count as emitted from here on: what follows them downstream is synchronous.
     */
    List<StreamEvent> relay(List<StreamEvent> batch) {
        List<StreamEvent> relayed = batch;
        for (int i = 0; i < batch.size(); i++) {
            StreamEvent event = batch.get(i);
            if (event instanceof StreamEvent.StreamError reported) {
                if (relayed == batch) {
                    relayed = new ArrayList<>(batch);
                }
                relayed.set(i, relayReported(reported));
            }
            eventEmitted = true;
            if (event instanceof StreamEvent.Finish || event instanceof StreamEvent.StreamError) {
                terminalEmitted = true;
            }
        }
        return relayed;
    }

    private StreamEvent relayReported(StreamEvent.StreamError reported) {
        UpstreamException failure = UpstreamFailures.reported(reported, deployment.id());
        if (!eventEmitted) {
            throw failure;  // map() turns it into the stream's error signal
        }
        try (var ignored = RequestLogContext.open(trace)) {
            log.info("upstream {} failed mid-stream: {}", deployment.id(), failure.getMessage());
        }
        return UpstreamFailures.toStreamError(failure, reported.code());
    }

    Flux<List<StreamEvent>> onFailure(Throwable error) {
        UpstreamException failure = UpstreamFailures.classify(error, deployment.id());
        if (terminalEmitted) {
            // the client has its whole answer; what went wrong while draining the body does not concern it
            try (var ignored = RequestLogContext.open(trace)) {
                log.debug("upstream {} failed after the end of its stream", deployment.id(), failure);
            }
            return Flux.empty();
        }
        if (eventEmitted) {
            try (var ignored = RequestLogContext.open(trace)) {
                log.info("upstream {} failed mid-stream: {}", deployment.id(), failure.getMessage());
            }
            return Flux.just(List.of(UpstreamFailures.toStreamError(failure)));
        }
        return Flux.error(failure);
    }

    void onTerminated(SignalType signal) {
        Connection current = connection;
        if (current != null && !bodyRead) {
            // never hand a connection with an unread response back to the pool; closing it is also how the
            // upstream learns that nobody is listening any more
            current.dispose();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
