package dev.streamgate.gateway.ratelimit;

import java.util.concurrent.ThreadPoolExecutor;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Redisson's internal executor runs on Netty {@code FastThreadLocalThread}s, which Netty's own integration marks
 * non-blocking; its idle workers wait for work in {@code LinkedBlockingQueue.take}. Waiting for a task is not a
 * blocking call on a request path, so it is allowed; everything that runs on those threads is still checked.
 * Found by {@link java.util.ServiceLoader}, so it applies whoever installs BlockHound.
 */
public class RedissonBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(ThreadPoolExecutor.class.getName(), "getTask");
    }
}
