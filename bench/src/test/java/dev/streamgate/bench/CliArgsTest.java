package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CliArgsTest {

    @Test
    void readsValuesFlagsAndDurationsInEitherForm() {
        CliArgs cli = CliArgs.parse("--connections", "256", "--stream", "--warmup=500ms", "--duration", "2m",
                "--rate", "1000.5", "--timeout", "7");

        assertThat(cli.intValue("connections", 32, 1, 4096)).isEqualTo(256);
        assertThat(cli.flag("stream")).isTrue();
        assertThat(cli.flag("absent")).isFalse();
        assertThat(cli.duration("warmup", Duration.ZERO, Duration.ofMinutes(10))).isEqualTo(Duration.ofMillis(500));
        assertThat(cli.duration("duration", Duration.ZERO, Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(2));
        assertThat(cli.duration("timeout", Duration.ZERO, Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(7));
        assertThat(cli.doubleValue("rate", 0, 0, 100_000)).isEqualTo(1000.5);
        assertThat(cli.string("model", "bench")).isEqualTo("bench");
        cli.rejectUnknown();
    }

    @Test
    void namesTheOptionThatIsWrong() {
        assertThatThrownBy(() -> CliArgs.parse("--connections", "0").intValue("connections", 32, 1, 4096))
                .hasMessage("--connections must be within 1..4096, was 0");
        assertThatThrownBy(() -> CliArgs.parse("--warmup", "soon")
                .duration("warmup", Duration.ZERO, Duration.ofMinutes(10)))
                .hasMessageContaining("--warmup must be a duration");
        assertThatThrownBy(() -> CliArgs.parse("--duration", "11m")
                .duration("duration", Duration.ZERO, Duration.ofMinutes(10)))
                .hasMessageContaining("--duration must be at most 600s");
        assertThatThrownBy(() -> CliArgs.parse("--a", "1", "--a", "2")).hasMessage("--a is given twice");
        assertThatThrownBy(() -> CliArgs.parse("stray")).hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> CliArgs.parse().required("url")).hasMessage("--url is required");
    }

    @Test
    void refusesOptionsNobodyRead() {
        CliArgs cli = CliArgs.parse("--conections", "32", "--url", "x");
        cli.required("url");

        assertThatThrownBy(cli::rejectUnknown).hasMessage("unknown option(s): --conections");
    }
}
