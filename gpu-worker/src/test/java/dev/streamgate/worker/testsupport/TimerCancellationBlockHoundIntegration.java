package dev.streamgate.worker.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets Reactor cancel a scheduled timer from a non-blocking thread. Cancelling removes the task from the
 * executor's delay queue under that queue's lock, held only for the removal: a bounded critical section, not
 * I/O. SSE heartbeats cancel their timer on every token, so under load the lock is sometimes contended, and
 * BlockHound would otherwise fail the stream at random.
 */
public final class TimerCancellationBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "remove");
    }
}
