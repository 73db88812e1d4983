package dev.streamgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class GenAiMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GenAiMetrics metrics = new GenAiMetrics(registry);

    @Test
    void recordsEachRequestOnItsModelsMeters() {
        metrics.requestFinished("a", "completed", true, Duration.ofMillis(10));
        metrics.requestFinished("a", "completed", true, Duration.ofMillis(30));
        metrics.requestFinished("a", "completed", false, Duration.ofMillis(5));
        metrics.requestFinished("a", "failed", true, Duration.ofMillis(1));
        metrics.requestFinished("b", "completed", true, Duration.ofMillis(7));
        metrics.tokens("a", 7, 2);
        metrics.tokens("a", 3, 4);
        metrics.cost("a", 0.5);
        metrics.cost("a", 0.25);
        metrics.timeToFirstToken("a", Duration.ofMillis(3));
        metrics.timePerOutputToken("a", Duration.ofMillis(2));

        var completedStreams = registry.get("gen_ai.server.request.duration")
                .tags("gen_ai.request.model", "a", "outcome", "completed", "stream", "true").timer();
        assertThat(completedStreams.count()).isEqualTo(2);
        assertThat(completedStreams.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(registry.get("gen_ai.server.request.duration")
                .tags("gen_ai.request.model", "a", "outcome", "completed", "stream", "false").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("gen_ai.server.request.duration").tags("outcome", "failed").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("gen_ai.server.request.duration").tags("gen_ai.request.model", "b").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("gen_ai.client.token.usage")
                .tags("gen_ai.request.model", "a", "gen_ai.token.type", "input").summary().totalAmount()).isEqualTo(10);
        assertThat(registry.get("gen_ai.client.token.usage")
                .tags("gen_ai.request.model", "a", "gen_ai.token.type", "output").summary().totalAmount()).isEqualTo(6);
        assertThat(registry.get("streamgate.cost").tags("gen_ai.request.model", "a").counter().count()).isEqualTo(0.75);
        assertThat(registry.get("gen_ai.server.time_to_first_token").tags("gen_ai.request.model", "a").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get("gen_ai.server.time_per_output_token").tags("gen_ai.request.model", "a").timer()
                .count()).isEqualTo(1);
    }

    @Test
    void countsOpenStreams() {
        metrics.streamOpened();
        metrics.streamOpened();
        metrics.streamClosed();
        assertThat(registry.get("streamgate.streams.open").gauge().value()).isEqualTo(1);
    }
}
