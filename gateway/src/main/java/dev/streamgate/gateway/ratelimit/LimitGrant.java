package dev.streamgate.gateway.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * An admitted request's hold on its buckets and slots. {@link #complete(long)} reconciles the reserved tokens
 * with the real usage (refund or charge, on the tenant's and the key's bucket alike) and releases the slots,
 * once: later calls, or a second subscription, do nothing. Reconciling never fails the request: a store that
 * does not answer costs a lost refund, and its slot lease lapses on its own.
 */
final class LimitGrant implements AdmissionGrant {
    private final LimitStore store;
    private final Map<String, String> headers;
    private final long reservedTokens;
    private final List<LimitSubject> subjects;
    private final String leaseId;
    private final RateLimitMetrics metrics;
    private final ThrottledLog failures;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile Disposable renewal;

    LimitGrant(LimitStore store, Map<String, String> headers, long reservedTokens, List<LimitSubject> subjects,
               String leaseId, RateLimitMetrics metrics, ThrottledLog failures) {
        this.store = store;
        this.metrics = metrics;
        this.failures = failures;
        this.headers = headers;
        this.reservedTokens = reservedTokens;
        this.subjects = subjects;
        this.leaseId = leaseId;
    }

    /** Keeps the slot leases alive while the request runs; stopped by {@link #complete(long)}. */
    void renewWith(Disposable renewal) {
        this.renewal = renewal;
        if (completed.get()) {
            renewal.dispose();
        }
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public Mono<Void> complete(long usedTokens) {
        return Mono.defer(() -> {
            if (!completed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            Disposable running = renewal;
            if (running != null) {
                running.dispose();
            }
            long difference = reservedTokens - Math.max(0, usedTokens);
            if (store instanceof LimitStore.Immediate immediate) {
                for (LimitSubject subject : subjects) {
                    settleNow(immediate, subject, difference);
                }
                return Mono.empty();
            }
            List<Mono<Void>> settlements = new ArrayList<>(subjects.size());
            for (LimitSubject subject : subjects) {
                settlements.add(settle(subject, difference));
            }
            return Mono.when(settlements);
        });
    }

    private Mono<Void> settle(LimitSubject subject, long difference) {
        String bucket = subject.bucketKey(Dimension.TOKENS);
        long perMinute = subject.limit(Dimension.TOKENS);
        Mono<Void> tokens = difference > 0 ? store.addTokens(bucket, perMinute, difference)
                : difference < 0 ? store.consumeIgnoringLimits(bucket, perMinute, -difference)
                : Mono.empty();
        return Mono.when(quietly(tokens), quietly(store.releaseSlot(subject.slotKey(), leaseId)));
    }

    /** {@link #settle} answered in place by a store in memory, each step on its own as there. */
    private void settleNow(LimitStore.Immediate immediate, LimitSubject subject, long difference) {
        String bucket = subject.bucketKey(Dimension.TOKENS);
        long perMinute = subject.limit(Dimension.TOKENS);
        try {
            if (difference > 0) {
                immediate.addTokensNow(bucket, perMinute, difference);
            } else if (difference < 0) {
                immediate.consumeIgnoringLimitsNow(bucket, perMinute, -difference);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
        try {
            immediate.releaseSlotNow(subject.slotKey(), leaseId);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    // The request has been answered already; see the class comment for what a failure costs.
    private Mono<Void> quietly(Mono<Void> operation) {
        return operation.onErrorResume(error -> {
            failed(error);
            return Mono.empty();
        });
    }

    private void failed(Throwable error) {
        metrics.reconcileFailed("complete");
        failures.warn("{} rate-limit reconciliation(s) failed (a refund lost, or a slot lease left to lapse on "
                + "its own); latest: {}", error.toString());
    }
}
