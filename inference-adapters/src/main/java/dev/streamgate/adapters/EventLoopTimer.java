package dev.streamgate.adapters;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * A Reactor {@link Scheduler} for the timers of a request (first-chunk and between-chunk deadlines, heartbeats):
 * asked on a Netty event loop, it puts the timer on that loop's own queue; anywhere else it hands it to the
 * fallback.
 *
 * <p>A request's timers are armed and almost always cancelled on the event loop that serves it. On a shared
 * {@code ScheduledThreadPoolExecutor} (Reactor's parallel scheduler) each of them takes that executor's lock
 * twice and can wake one of its threads; on the loop's own queue it is a heap insertion and a removal by the
 * loop's thread, and a timer that fires runs where the request's other signals run. Immediate tasks and workers
 * always go to the fallback: only delayed tasks are this class's business.
 */
public final class EventLoopTimer implements Scheduler {
    private final Scheduler fallback;

    public EventLoopTimer(Scheduler fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    @Override
    public Disposable schedule(Runnable task) {
        return fallback.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        // Netty records the executor of the thread it runs on; null on every other thread
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null || loop.isShuttingDown()) {
            return fallback.schedule(task, delay, unit);
        }
        return new Scheduled(loop.schedule(task, delay, unit));
    }

    @Override
    public long now(TimeUnit unit) {
        return fallback.now(unit);
    }

    @Override
    public Worker createWorker() {
        return fallback.createWorker();
    }

    /** Disposing it cancels the timer; the loop removes a cancelled timer from its queue itself. */
    private record Scheduled(io.netty.util.concurrent.ScheduledFuture<?> future) implements Disposable {
        @Override
        public void dispose() {
            future.cancel(false);
        }

        @Override
        public boolean isDisposed() {
            return future.isDone();
        }
    }
}
