package dev.streamgate.worker.scheduler;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.Usage;

/**
 * Where a sequence's output goes. Called on the scheduler thread only, in order: {@link #onToken} once per step in
 * which the sequence sampled, then exactly one of {@link #onFinish} or {@link #onError} (none after the caller
 * cancelled). Implementations must not block: the whole batch waits for them.
 */
public interface SequenceSink {

    void onToken(TokenEvent event);

    void onFinish(FinishReason reason, Usage usage);

    /** The sequence could not go on (the engine failed, or the worker is shutting down). */
    void onError(String message);
}
