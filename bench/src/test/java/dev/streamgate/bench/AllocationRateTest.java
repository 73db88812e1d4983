package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class AllocationRateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static AllocationRate.Sample at(long millis, long thread, long allocated) {
        return new AllocationRate.Sample(T0.plusMillis(millis), thread, allocated);
    }

    @Test
    void sumsWhatEveryThreadAllocatedBetweenTheFirstAndTheLastBatchInTheWindow() {
        List<AllocationRate.Sample> samples = List.of(
                at(0, 1, 100), at(0, 2, 1_000),                           // before the window
                at(1_000, 1, 1_100), at(1_001, 2, 2_000),                 // first batch in the window
                at(2_000, 1, 1_600), at(2_000, 2, 2_500), at(2_001, 3, 300), // thread 3 started
                at(3_000, 1, 2_100), at(3_002, 2, 3_000), at(3_002, 3, 800), // last batch in the window
                at(4_000, 1, 9_999));                                      // after it

        AllocationRate rate = AllocationRate.of(samples, T0.plusMillis(500), T0.plusMillis(3_500));

        // thread 1: 1000, thread 2: 1000, thread 3: 800 (all of it: it started in the window)
        assertThat(rate.bytes()).isEqualTo(2_800);
        assertThat(rate.seconds()).isEqualTo(2.0);
        assertThat(rate.bytesPerSecond()).isEqualTo(1_400);
    }

    @Test
    void aThreadThatEndedCountsUpToItsLastSample() {
        List<AllocationRate.Sample> samples = List.of(
                at(0, 1, 0), at(0, 2, 0),
                at(1_000, 1, 10), at(1_000, 2, 500),
                at(2_000, 1, 20));

        assertThat(AllocationRate.of(samples, T0, T0.plusMillis(2_000)).bytes()).isEqualTo(520);
    }

    @Test
    void needsTwoBatchesInTheWindow() {
        List<AllocationRate.Sample> samples = List.of(at(0, 1, 0), at(5, 2, 0), at(2_000, 1, 10));

        assertThatThrownBy(() -> AllocationRate.of(samples, T0, T0.plusMillis(1_000)))
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> AllocationRate.of(samples, T0.plusMillis(3_000), T0.plusMillis(4_000)))
                .hasMessageContaining("no jdk.ThreadAllocationStatistics");
    }
}
