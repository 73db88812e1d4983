package dev.streamgate.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.AdmissionVerdict.BucketCheck;
import dev.streamgate.gateway.ratelimit.AdmissionVerdict.SlotCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The rate-limit policy over one {@link LimitStore}: per tenant and per key, one request and the reserved tokens
 * from per-minute buckets, and one concurrent-stream slot. All six are asked at once (one round trip to Redis);
 * the request is admitted only if all six agree, and otherwise whatever was taken is given back before the 429,
 * so a refusal by the key never costs the tenant anything and vice versa.
 */
final class TokenBucketAdmission implements Admission, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenBucketAdmission.class);

    private final LimitStore store;
    private final LimitSubjects subjects;
    private final Duration concurrencyRetryAfter;
    private final Duration renewEvery;
    private final Scheduler scheduler;
    private final RateLimitMetrics metrics;
    private final String instanceId;
    private final AtomicLong leases = new AtomicLong();
    private final ThrottledLog giveBackFailures;
    private final ThrottledLog renewalFailures;

    /**
     * {@code instanceId} makes lease ids unique across the instances sharing a store: a lease id is it plus a
     * counter.
     */
    TokenBucketAdmission(LimitStore store, RateLimitProperties properties, Clock clock, Scheduler scheduler,
                         RateLimitMetrics metrics, String instanceId) {
        this.store = store;
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.giveBackFailures = new ThrottledLog(log, clock, properties.outageLogInterval());
        this.renewalFailures = new ThrottledLog(log, clock, properties.outageLogInterval());
        this.subjects = new LimitSubjects(properties.keyPrefix());
        this.concurrencyRetryAfter = properties.concurrencyRetryAfter();
        this.renewEvery = properties.streamLease().dividedBy(3);
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** {@code reservedTokens} below one counts as one: every request costs at least a token. */
    @Override
    public Mono<AdmissionGrant> admit(Principal principal, long reservedTokens) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(principal.plan(), "principal.plan");
        return Mono.defer(() -> admitNow(principal, reservedTokens));
    }

    private Mono<AdmissionGrant> admitNow(Principal principal, long reservedTokens) {
        if (reservedTokens < 0) {
            return Mono.error(new IllegalArgumentException("reservedTokens must not be negative, was " + reservedTokens));
        }
        long tokens = Math.max(1, reservedTokens);
        List<LimitSubject> subjects = this.subjects.of(principal);
        for (LimitSubject subject : subjects) {
            if (tokens > subject.limit(Dimension.TOKENS)) {
                return Mono.error(tooLarge(subject, tokens));
            }
        }
        String leaseId = instanceId + ':' + leases.incrementAndGet();
        if (store instanceof LimitStore.Immediate immediate) {
            return decide(List.of(
                            consumeNow(immediate, subjects.get(0), Dimension.REQUESTS, 1),
                            consumeNow(immediate, subjects.get(1), Dimension.REQUESTS, 1),
                            consumeNow(immediate, subjects.get(0), Dimension.TOKENS, tokens),
                            consumeNow(immediate, subjects.get(1), Dimension.TOKENS, tokens)),
                    List.of(acquireNow(immediate, subjects.get(0), leaseId),
                            acquireNow(immediate, subjects.get(1), leaseId)),
                    subjects, tokens, leaseId);
        }
        // All six checks at once (against Redis they are six round trips in parallel), answers in a fixed order.
        // Mono.zip rather than mergeSequential + collectList: the latter allocated queues sized for hundreds of
        // elements on every request.
        return Mono.zip(
                        consume(subjects.get(0), Dimension.REQUESTS, 1),
                        consume(subjects.get(1), Dimension.REQUESTS, 1),
                        consume(subjects.get(0), Dimension.TOKENS, tokens),
                        consume(subjects.get(1), Dimension.TOKENS, tokens),
                        acquire(subjects.get(0), leaseId),
                        acquire(subjects.get(1), leaseId))
                .flatMap(answers -> decide(
                        List.of(answers.getT1(), answers.getT2(), answers.getT3(), answers.getT4()),
                        List.of(answers.getT5(), answers.getT6()), subjects, tokens, leaseId));
    }

    @Override
    public void close() {
        store.close();
    }

    LimitStore store() {
        return store;
    }

    private Mono<AdmissionGrant> decide(List<Attempt<BucketCheck>> bucketAnswers, List<Attempt<SlotCheck>> slotAnswers,
                                        List<LimitSubject> subjects, long tokens, String leaseId) {
        Throwable failure = Attempt.firstFailure(bucketAnswers, slotAnswers);
        List<BucketCheck> buckets = Attempt.values(bucketAnswers);
        List<SlotCheck> slots = Attempt.values(slotAnswers);
        if (failure != null) {
            // The store is failing and the caller falls back; returning what did get taken must not delay that.
            giveBack(buckets.stream().filter(check -> check.probe().isConsumed()).toList(),
                    slots.stream().filter(check -> check.result().acquired()).toList(), leaseId).subscribe();
            return Mono.error(failure);
        }
        AdmissionVerdict verdict = AdmissionVerdict.decide(buckets, slots, concurrencyRetryAfter);
        if (verdict.admitted()) {
            return Mono.just(grant(verdict, subjects, tokens, leaseId));
        }
        metrics.rejected(verdict.refusal().dimension().tag(), verdict.refusal().subject());
        return giveBack(verdict.toRefund(), verdict.toRelease(), leaseId)
                .then(Mono.error(verdict.refusal().exception(verdict.headers())));
    }

    private LimitGrant grant(AdmissionVerdict verdict, List<LimitSubject> subjects, long tokens, String leaseId) {
        LimitGrant grant = new LimitGrant(store, verdict.headers(), tokens, subjects, leaseId, metrics,
                giveBackFailures);
        if (store.leasesExpire()) {
            grant.renewWith(Flux.interval(renewEvery, renewEvery, scheduler)
                    .onBackpressureDrop()
                    .concatMap(tick -> Mono.when(subjects.stream()
                            .map(subject -> store.renewSlot(subject.slotKey(), leaseId)
                                    .onErrorResume(error -> renewalFailed(subject, error)))
                            .toList()))
                    .subscribe());
        }
        return grant;
    }

    private Mono<Attempt<BucketCheck>> consume(LimitSubject subject, Dimension dimension, long tokens) {
        return Attempt.of(store.tryConsume(subject.bucketKey(dimension), subject.limit(dimension), tokens)
                .map(probe -> new BucketCheck(subject, dimension, tokens, probe)));
    }

    /** The same checks as {@link #consume} and {@link #acquire}, answered in place by a store in memory. */
    private static Attempt<BucketCheck> consumeNow(LimitStore.Immediate store, LimitSubject subject,
                                                   Dimension dimension, long tokens) {
        try {
            return new Attempt<>(new BucketCheck(subject, dimension, tokens,
                    store.tryConsumeNow(subject.bucketKey(dimension), subject.limit(dimension), tokens)), null);
        } catch (RuntimeException e) {
            return new Attempt<>(null, e);  // decide() fails the admission with it, as for any store
        }
    }

    private static Attempt<SlotCheck> acquireNow(LimitStore.Immediate store, LimitSubject subject, String leaseId) {
        try {
            return new Attempt<>(new SlotCheck(subject, store.acquireSlotNow(subject.slotKey(),
                    subject.limit(Dimension.STREAMS), leaseId)), null);
        } catch (RuntimeException e) {
            return new Attempt<>(null, e);
        }
    }

    private Mono<Attempt<SlotCheck>> acquire(LimitSubject subject, String leaseId) {
        return Attempt.of(store.acquireSlot(subject.slotKey(), subject.limit(Dimension.STREAMS), leaseId)
                .map(result -> new SlotCheck(subject, result)));
    }

    private Mono<Void> giveBack(List<BucketCheck> buckets, List<SlotCheck> slots, String leaseId) {
        Flux<Void> refunds = Flux.fromIterable(buckets).flatMap(check -> store.addTokens(
                check.subject().bucketKey(check.dimension()), check.limit(), check.requested()));
        Flux<Void> releases = Flux.fromIterable(slots).flatMap(check -> store.releaseSlot(
                check.subject().slotKey(), leaseId));
        return Flux.merge(refunds, releases).onErrorResume(error -> {
            // The refusal or the fallback still answers the request: tokens come back on refill and a slot
            // lease lapses on its own, so a failed give-back costs capacity for a while, not correctness.
            metrics.reconcileFailed("give_back");
            giveBackFailures.warn("{} rate-limit give-back(s) failed (tokens refill, slot leases lapse on their "
                    + "own); latest: {}", error.toString());
            return Mono.empty();
        }).then();
    }

    // The stream goes on: the next renewal may succeed, and a lease that lapsed is not resurrected above the limit.
    private Mono<Void> renewalFailed(LimitSubject subject, Throwable error) {
        metrics.reconcileFailed("renew");
        renewalFailures.warn("{} stream slot renewal(s) failed; latest on {}: {}", subject.slotKey(), error.toString());
        return Mono.empty();
    }

    private GatewayException tooLarge(LimitSubject subject, long tokens) {
        metrics.rejected(RateLimitMetrics.TOO_LARGE, subject.type());
        // A 400, not a 429: the same request can never be admitted, so a retry (which SDKs do on a 429) is futile.
        return GatewayException.invalidRequest("max_tokens", "request_too_large", "This request reserves " + tokens
                + " tokens (prompt estimate plus max_tokens), more than the " + subject.limit(Dimension.TOKENS)
                + " tokens per minute allowed for " + subject.description()
                + ", so it can never be admitted. Lower max_tokens or shorten the prompt.");
    }

    /** One store call's answer or failure, so that a failure does not hide what the other calls took. */
    record Attempt<T>(T value, Throwable failure) {
        static <T> Mono<Attempt<T>> of(Mono<T> call) {
            // Not swallowed: decide() reads every attempt's failure and fails the admission with the first.
            return call.map(value -> new Attempt<T>(value, null))
                    .onErrorResume(error -> Mono.just(new Attempt<>(null, error)))
                    // every call answers; a store that answered nothing is a fault, not a silent pass
                    .switchIfEmpty(Mono.fromSupplier(() -> new Attempt<>(null,
                            new IllegalStateException("the rate-limit store gave no answer"))));
        }

        static <T> List<T> values(List<Attempt<T>> attempts) {
            List<T> values = new ArrayList<>(attempts.size());
            for (Attempt<T> attempt : attempts) {
                if (attempt.failure() == null) {
                    values.add(attempt.value());
                }
            }
            return values;
        }

        @SafeVarargs
        static Throwable firstFailure(List<? extends Attempt<?>>... attempts) {
            for (List<? extends Attempt<?>> list : attempts) {
                for (Attempt<?> attempt : list) {
                    if (attempt.failure() != null) {
                        return attempt.failure();
                    }
                }
            }
            return null;
        }
    }
}
