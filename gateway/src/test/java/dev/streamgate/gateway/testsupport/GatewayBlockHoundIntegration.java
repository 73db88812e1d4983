package dev.streamgate.gateway.testsupport;

import java.util.concurrent.ThreadPoolExecutor;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound (installed for every test by the streaming test-jar's BlockHoundSession) lets through, each a
 * wait that is not a blocking call on a request path; everything else on non-blocking threads is still checked.
 * Found by {@link java.util.ServiceLoader}.
 */
public class GatewayBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Redisson marks its own pool's threads non-blocking; idle workers wait for work in
        // LinkedBlockingQueue.take, which is waiting for a task, not blocking one.
        builder.allowBlockingCallsInside(ThreadPoolExecutor.class.getName(), "getTask");
        // Resilience4j records each call's outcome in its sliding window under a ReentrantLock held for a few
        // field updates; when two event loops record at once, one parks for that long.
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        // Redisson guards its connection bookkeeping (semaphores, queues of waiting commands) with short locks,
        // taken on its own Netty threads when connections come and go.
        builder.allowBlockingCallsInside("org.redisson.misc.WrappedLock", "execute");
    }
}
