package dev.streamgate.adapters;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import reactor.core.publisher.Flux;

/**
 * An in-memory adapter that plays scripted streams, one per call ({@link #then}), then a default one
 * ({@link #otherwise}); for tests of code that routes between adapters. Calls are logged, in order, to a list
 * that several adapters may share.
 */
public final class ScriptedAdapter implements InferenceAdapter {
    private final String deploymentId;
    private final List<String> callLog;
    private final Queue<Flux<StreamEvent>> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile Flux<StreamEvent> otherwise = answer("ok");

    public ScriptedAdapter(String deploymentId) {
        this(deploymentId, new CopyOnWriteArrayList<>());
    }

    public ScriptedAdapter(String deploymentId, List<String> callLog) {
        this.deploymentId = deploymentId;
        this.callLog = callLog;
    }

    /** A stream of these text deltas, then {@code Finish(STOP)}. */
    public static Flux<StreamEvent> answer(String... tokens) {
        return Flux.fromArray(tokens).<StreamEvent>map(StreamEvent.TextDelta::new)
                .concatWithValues(new StreamEvent.Finish(FinishReason.STOP));
    }

    public static UpstreamException connectFailure(String deploymentId) {
        return new UpstreamException(UpstreamException.Kind.CONNECT, deploymentId, 0, null,
                "connection refused by " + deploymentId, null);
    }

    public static UpstreamException statusFailure(String deploymentId, int status, Duration retryAfter) {
        return new UpstreamException(UpstreamException.Kind.HTTP_STATUS, deploymentId, status, retryAfter,
                deploymentId + " answered " + status, null);
    }

    /** The next calls play these streams, in order. */
    public ScriptedAdapter then(Flux<StreamEvent> stream) {
        script.add(stream);
        return this;
    }

    public ScriptedAdapter thenFail(UpstreamException failure) {
        return then(Flux.error(failure));
    }

    /** What calls play once the script is used up. */
    public ScriptedAdapter otherwise(Flux<StreamEvent> stream) {
        this.otherwise = stream;
        return this;
    }

    public ScriptedAdapter alwaysFail(UpstreamException failure) {
        return otherwise(Flux.error(failure));
    }

    public int calls() {
        return calls.get();
    }

    public boolean closed() {
        return closes.get() > 0;
    }

    public int closes() {
        return closes.get();
    }

    @Override
    public String deploymentId() {
        return deploymentId;
    }

    @Override
    public Flux<StreamEvent> stream(InferenceRequest request) {
        return Flux.defer(() -> {
            calls.incrementAndGet();
            callLog.add(deploymentId);
            Flux<StreamEvent> next = script.poll();
            return next != null ? next : otherwise;
        });
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
