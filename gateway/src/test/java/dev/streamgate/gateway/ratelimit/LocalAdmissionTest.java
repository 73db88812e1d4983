package dev.streamgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.streamgate.gateway.auth.Principal;
import org.junit.jupiter.api.Test;

/** The policy on per-instance buckets: the embedded default and the Redis fallback. */
class LocalAdmissionTest extends AdmissionContract {

    @Override
    protected Admission createAdmission() {
        return RateLimitConfiguration.createAdmission(RateLimitProperties.defaults(), null, clock, scheduler, registry,
                "instance-a");
    }

    @Test
    void bucketsThatRefilledCompletelyAreDroppedAndOthersKept() {
        LocalLimitStore store = (LocalLimitStore) ((TokenBucketAdmission) admission).store();
        Principal key = principal("k", limits(60, 6_000, 10), limits(60, 6_000, 10));
        complete(admit(key, 6_000), 6_000);
        assertThat(store.bucketCount()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(30));
        scheduler.advanceTimeBy(LocalLimitStore.SWEEP_INTERVAL);
        assertThat(store.bucketCount()).as("request buckets full again, token buckets half").isEqualTo(2);

        clock.advance(Duration.ofSeconds(30));
        scheduler.advanceTimeBy(LocalLimitStore.SWEEP_INTERVAL);
        assertThat(store.bucketCount()).isZero();
    }

    @Test
    void completedStreamsLeaveNoCounterBehind() {
        LocalLimitStore store = (LocalLimitStore) ((TokenBucketAdmission) admission).store();
        Principal key = principal("k", limits(60, 6_000, 10), limits(60, 6_000, 10));
        AdmissionGrant grant = admit(key, 1);
        String slot = LimitSubject.key(key, RateLimitProperties.defaults().keyPrefix()).slotKey();
        assertThat(store.slotsHeld(slot)).isEqualTo(1);

        complete(grant, 1);

        assertThat(store.slotsHeld(slot)).isZero();
    }
}
