package dev.streamgate.worker.scheduler;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns a {@link Scheduler} and its engine. Other threads talk to it through an inbox of commands
 * that the loop applies between steps, so a submission is admitted, and a cancellation frees its blocks, before the
 * next step starts. Sending never blocks (event-loop threads submit and cancel); when there is no work the loop
 * thread parks until a command arrives.
 */
public final class SchedulerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerLoop.class);

    private final Scheduler scheduler;
    private final Queue<Consumer<Scheduler>> inbox = new ConcurrentLinkedQueue<>();
    private final Object lifecycle = new Object();
    private final Thread thread;
    private volatile boolean closing;
    private volatile SchedulerState state;

    public SchedulerLoop(Scheduler scheduler, String threadName) {
        this.scheduler = scheduler;
        this.state = scheduler.state();
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
    }

    public SchedulerLoop start() {
        thread.start();
        return this;
    }

    /** Queues a request; a request the scheduler refuses gets {@link SequenceSink#onError}. */
    public void submit(GenerationRequest request) {
        send(s -> {
            try {
                s.add(request);
            } catch (IllegalArgumentException e) {
                request.sink().onError(e.getMessage());
            }
        });
    }

    public void cancel(long requestId) {
        send(s -> s.cancel(requestId));
    }

    /** The state after the last step or command. */
    public SchedulerState state() {
        return state;
    }

    public int contextLength() {
        return scheduler.contextLength();
    }

    /** Whether the loop still runs (it stops on close, or if the scheduler failed). */
    public boolean alive() {
        return thread.isAlive() && !closing;
    }

    /** Stops the thread; sequences still live end with an error. Does not close the engine. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closing = true;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread && thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // The monitor is held for an enqueue only; it orders sends against the loop's final drain, so no command is
    // queued after the loop stopped reading.
    private void send(Consumer<Scheduler> command) {
        synchronized (lifecycle) {
            if (closing) {
                throw new IllegalStateException("the scheduler is closed");
            }
            inbox.add(command);
        }
        LockSupport.unpark(thread);
    }

    private void run() {
        try {
            while (!closing) {
                applyCommands();
                if (scheduler.hasWork()) {
                    if (!scheduler.step()) {
                        // Work that cannot be scheduled (never expected: a lone sequence always fits the pool)
                        // must not turn into a hot spin.
                        LockSupport.parkNanos(this, 1_000_000L);
                    }
                } else if (inbox.isEmpty() && !closing) {
                    LockSupport.park(this);
                }
                state = scheduler.state();
            }
        } catch (RuntimeException | Error e) {
            log.error("scheduler loop died", e);
        } finally {
            synchronized (lifecycle) {
                closing = true;
            }
            applyCommands();
            scheduler.abortAll("the worker is shutting down");
            state = scheduler.state();
        }
    }

    private void applyCommands() {
        for (Consumer<Scheduler> command = inbox.poll(); command != null; command = inbox.poll()) {
            command.accept(scheduler);
        }
    }
}
