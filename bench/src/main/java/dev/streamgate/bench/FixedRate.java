package dev.streamgate.bench;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate: request k is due at {@code start + k / rate}, whether or not earlier ones have
 * finished, and its latency counts from that due time, not from when it could be sent. A target that stalls thus
 * shows its stall in every request that waited behind it, instead of silently slowing the load down (coordinated
 * omission). At most {@code maxInFlight} requests are outstanding; due requests beyond that wait in a bounded
 * backlog, and those that find the backlog full are counted as errors ({@code backlog_full}).
 */
final class FixedRate {
    private final ChatRequester requester;
    private final Results results;
    private final int maxInFlight;
    private final int maxBacklog;
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();
    private int inFlight;

    FixedRate(ChatRequester requester, Results results, int maxInFlight, int maxBacklog) {
        this.requester = requester;
        this.results = results;
        this.maxInFlight = maxInFlight;
        this.maxBacklog = maxBacklog;
    }

    /**
     * Paces requests on the calling thread from {@code startNanos} until {@code endNanos}, then waits up to
     * {@code drainNanos} for the outstanding ones.
     *
     * @return the number of requests that were due
     */
    long run(long startNanos, long endNanos, double rate, long maxRequests, long drainNanos)
            throws InterruptedException {
        double periodNanos = 1e9 / rate;
        long due = 0;
        while (due < maxRequests) {
            long dueAt = startNanos + (long) (due * periodNanos);
            if (dueAt >= endNanos) {
                break;
            }
            long wait = dueAt - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            offer(dueAt);
            due++;
        }
        long drainEnd = System.nanoTime() + drainNanos;
        synchronized (this) {
            long left;
            while ((inFlight > 0 || !backlog.isEmpty()) && (left = drainEnd - System.nanoTime()) > 0) {
                wait(Math.max(1, left / 1_000_000));
            }
        }
        return due;
    }

    private void offer(long dueAt) {
        boolean sendNow = false;
        boolean full = false;
        synchronized (this) {
            if (inFlight < maxInFlight) {
                inFlight++;
                sendNow = true;
            } else if (backlog.size() < maxBacklog) {
                backlog.addLast(dueAt);
            } else {
                full = true;
            }
        }
        if (sendNow) {
            send(dueAt);
        } else if (full) {
            results.record(dueAt, Outcome.failure("backlog_full", System.nanoTime()));
        }
    }

    private void send(long dueAt) {
        requester.send().subscribe(outcome -> {
            results.record(dueAt, outcome);
            completed();
        });
    }

    private void completed() {
        Long next;
        synchronized (this) {
            next = backlog.pollFirst();
            if (next == null) {
                inFlight--;
                if (inFlight == 0) {
                    notifyAll();
                }
            }
        }
        if (next != null) {
            send(next);
        }
    }
}
