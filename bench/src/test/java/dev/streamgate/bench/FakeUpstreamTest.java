package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class FakeUpstreamTest {
    @Test
    void pacesEveryRequestOrOnlyThoseForThePacedModel() {
        FakeUpstream.Settings all = new FakeUpstream.Settings(4, Duration.ZERO, Duration.ofMillis(20));
        FakeUpstream.Settings one = new FakeUpstream.Settings(4, Duration.ZERO, Duration.ofMillis(20), "slow");
        FakeUpstream.Settings none = new FakeUpstream.Settings(4, Duration.ZERO, Duration.ZERO, "slow");

        assertThat(all.paced("bench")).isTrue();
        assertThat(one.paced("slow")).isTrue();
        assertThat(one.paced("bench")).isFalse();
        assertThat(none.paced("slow")).isFalse();
    }
}
