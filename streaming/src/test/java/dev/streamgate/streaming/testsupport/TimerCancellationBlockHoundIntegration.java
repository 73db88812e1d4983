package dev.streamgate.streaming.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets Reactor cancel a scheduled timer from a non-blocking thread. Cancelling removes the task from the
 * executor's delay queue under that queue's lock, held only for the removal: a bounded critical section, not
 * I/O. Timers are cancelled on request paths (a heartbeat timer when its stream ends, a lease renewal when its
 * slot is released), so under load the lock is sometimes contended, and BlockHound would otherwise fail a
 * request at random. Shipped in this test-jar, so it applies in every module's tests.
 */
public final class TimerCancellationBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "remove");
    }
}
