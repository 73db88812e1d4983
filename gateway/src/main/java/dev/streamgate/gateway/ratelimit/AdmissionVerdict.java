package dev.streamgate.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.streamgate.gateway.error.GatewayException;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The decision of one admission, from the answers of every bucket and slot it asked (all asked at once, so a
 * refusal may find some of them already taken): admitted only if all took; otherwise what to give back, why,
 * and when to retry. Pure: no I/O, no clock.
 */
record AdmissionVerdict(Refusal refusal, Map<String, String> headers, List<BucketCheck> toRefund,
                        List<SlotCheck> toRelease) {

    static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";
    static final String CONCURRENCY_LIMIT_EXCEEDED = "concurrency_limit_exceeded";

    /** A bucket's answer: {@code requested} tokens asked from {@code subject}'s {@code dimension} bucket. */
    record BucketCheck(LimitSubject subject, Dimension dimension, long requested, ConsumptionProbe probe) {
        long limit() {
            return subject.limit(dimension);
        }

        /** The bucket as the caller sees it once any tokens this admission gives back are back. */
        RateLimitHeaders.Reading reading(boolean givenBack) {
            long remaining = probe.getRemainingTokens();
            long reset = probe.getNanosToWaitForReset();
            if (givenBack && probe.isConsumed()) {
                remaining += requested;
                reset -= PerMinuteBandwidth.refillNanos(limit(), requested);
            }
            return new RateLimitHeaders.Reading(limit(), remaining, reset);
        }
    }

    record SlotCheck(LimitSubject subject, LimitStore.SlotResult result) {
    }

    /** Why a request was refused: the binding limit (the one with the longest wait) and the wait for all. */
    record Refusal(String code, Dimension dimension, LimitSubject.Type subject, String message,
                   Duration retryAfter) {
        GatewayException exception(Map<String, String> headers) {
            return GatewayException.rateLimited(code, message, retryAfter, headers);
        }
    }

    boolean admitted() {
        return refusal == null;
    }

    static AdmissionVerdict decide(List<BucketCheck> buckets, List<SlotCheck> slots, Duration concurrencyRetryAfter) {
        if (allAdmitted(buckets, slots)) {
            // the common case, kept free of streams and intermediate lists: it runs for every request
            return new AdmissionVerdict(null, RateLimitHeaders.of(readings(buckets, Dimension.REQUESTS, false),
                    readings(buckets, Dimension.TOKENS, false)), List.of(), List.of());
        }
        List<BucketCheck> refusedBuckets = buckets.stream().filter(check -> !check.probe().isConsumed()).toList();
        List<SlotCheck> refusedSlots = slots.stream().filter(check -> !check.result().acquired()).toList();
        boolean admitted = refusedBuckets.isEmpty() && refusedSlots.isEmpty();
        Map<String, String> headers = RateLimitHeaders.of(
                readings(buckets, Dimension.REQUESTS, !admitted), readings(buckets, Dimension.TOKENS, !admitted));
        if (admitted) {
            return new AdmissionVerdict(null, headers, List.of(), List.of());
        }
        Refusal refusal = rateRefusal(refusedBuckets)
                .orElseGet(() -> concurrencyRefusal(refusedSlots.getFirst(), concurrencyRetryAfter));
        return new AdmissionVerdict(refusal, headers,
                buckets.stream().filter(check -> check.probe().isConsumed()).toList(),
                slots.stream().filter(check -> check.result().acquired()).toList());
    }

    private static boolean allAdmitted(List<BucketCheck> buckets, List<SlotCheck> slots) {
        for (BucketCheck check : buckets) {
            if (!check.probe().isConsumed()) {
                return false;
            }
        }
        for (SlotCheck check : slots) {
            if (!check.result().acquired()) {
                return false;
            }
        }
        return true;
    }

    private static List<RateLimitHeaders.Reading> readings(List<BucketCheck> buckets, Dimension dimension,
                                                           boolean givenBack) {
        List<RateLimitHeaders.Reading> readings = new ArrayList<>(2);
        for (BucketCheck check : buckets) {
            if (check.dimension() == dimension) {
                readings.add(check.reading(givenBack));
            }
        }
        return readings;
    }

    private static Optional<Refusal> rateRefusal(List<BucketCheck> refused) {
        // Stable max: on equal waits the first asked (tenant before key, requests before tokens) is named.
        return refused.stream()
                .reduce((a, b) -> wait(b) > wait(a) ? b : a)
                .map(binding -> {
                    long waitNanos = refused.stream().mapToLong(AdmissionVerdict::wait).max().orElseThrow();
                    long used = binding.limit() - binding.probe().getRemainingTokens();
                    String message = "Rate limit reached for " + binding.subject().description() + " on "
                            + binding.dimension().description() + ": Limit " + binding.limit() + ", Used " + used
                            + ", Requested " + binding.requested() + ". Please try again in "
                            + ResetDuration.format(waitNanos) + ".";
                    return new Refusal(RATE_LIMIT_EXCEEDED, binding.dimension(), binding.subject().type(), message,
                            Duration.ofNanos(waitNanos));
                });
    }

    private static Refusal concurrencyRefusal(SlotCheck binding, Duration retryAfter) {
        String message = "Too many concurrent requests for " + binding.subject().description() + ": Limit "
                + binding.subject().limit(Dimension.STREAMS) + ", In use " + binding.result().held()
                + ". Please try again when one of them has finished.";
        return new Refusal(CONCURRENCY_LIMIT_EXCEEDED, Dimension.STREAMS, binding.subject().type(), message,
                retryAfter);
    }

    private static long wait(BucketCheck check) {
        return check.probe().getNanosToWaitForRefill();
    }
}
