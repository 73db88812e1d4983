package dev.streamgate.streaming.testsupport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * A scheduler that counts what is given to it, directly or through its workers: every task (to show when, and
 * whether, work has started) and, among them, the timers (delayed or periodic tasks).
 */
public final class CountingScheduler implements Scheduler {
    private final Scheduler delegate;
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong timers = new AtomicLong();

    public CountingScheduler(Scheduler delegate) {
        this.delegate = delegate;
    }

    public long tasks() {
        return tasks.get();
    }

    public long timers() {
        return timers.get();
    }

    @Override
    public Disposable schedule(Runnable task) {
        tasks.incrementAndGet();
        return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        countTimer();
        return delegate.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        countTimer();
        return delegate.schedulePeriodically(task, initialDelay, period, unit);
    }

    @Override
    public long now(TimeUnit unit) {
        return delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
        Worker worker = delegate.createWorker();
        return new Worker() {
            @Override
            public Disposable schedule(Runnable task) {
                tasks.incrementAndGet();
                return worker.schedule(task);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                countTimer();
                return worker.schedule(task, delay, unit);
            }

            @Override
            public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
                countTimer();
                return worker.schedulePeriodically(task, initialDelay, period, unit);
            }

            @Override
            public void dispose() {
                worker.dispose();
            }

            @Override
            public boolean isDisposed() {
                return worker.isDisposed();
            }
        };
    }

    private void countTimer() {
        tasks.incrementAndGet();
        timers.incrementAndGet();
    }
}
