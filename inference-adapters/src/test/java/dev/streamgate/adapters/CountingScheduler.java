package dev.streamgate.adapters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/** A scheduler that counts the tasks given to it, to show when (and whether) work has started. */
public final class CountingScheduler implements Scheduler {
    private final Scheduler delegate;
    private final AtomicLong tasks = new AtomicLong();

    public CountingScheduler(Scheduler delegate) {
        this.delegate = delegate;
    }

    public long tasks() {
        return tasks.get();
    }

    @Override
    public Disposable schedule(Runnable task) {
        tasks.incrementAndGet();
        return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        tasks.incrementAndGet();
        return delegate.schedule(task, delay, unit);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        tasks.incrementAndGet();
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
                tasks.incrementAndGet();
                return worker.schedule(task, delay, unit);
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
}
