package dev.streamgate.worker.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns a {@link Scheduler} and its engine. Other threads talk to it through an inbox of commands
 * that the loop applies between steps, so a submission is admitted, and a cancellation frees its blocks, before the
 * next step starts. When there is no work the thread sleeps on the inbox.
 */
public final class SchedulerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerLoop.class);

    private final Scheduler scheduler;
    private final LinkedBlockingQueue<Consumer<Scheduler>> inbox = new LinkedBlockingQueue<>();
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

    /** Stops the thread; sequences still live end with an error. Does not close the engine. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            inbox.add(s -> {
            });
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the loop still runs (it stops on close, or if the scheduler failed). */
    public boolean alive() {
        return thread.isAlive() && !closing;
    }

    // Synchronized with the loop's final drain, so no command is queued after the loop stopped reading.
    private synchronized void send(Consumer<Scheduler> command) {
        if (closing) {
            throw new IllegalStateException("the scheduler is closed");
        }
        inbox.add(command);
    }

    private void run() {
        List<Consumer<Scheduler>> commands = new ArrayList<>();
        try {
            while (!closing) {
                if (!scheduler.hasWork()) {
                    commands.add(inbox.take());
                }
                inbox.drainTo(commands);
                for (Consumer<Scheduler> command : commands) {
                    command.accept(scheduler);
                }
                commands.clear();
                if (!closing && scheduler.hasWork()) {
                    scheduler.step();
                }
                state = scheduler.state();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("scheduler loop died", e);
        } finally {
            synchronized (this) {
                closing = true;
                inbox.drainTo(commands);
            }
            for (Consumer<Scheduler> command : commands) {
                command.accept(scheduler);
            }
            scheduler.abortAll("the worker is shutting down");
            state = scheduler.state();
        }
    }
}
