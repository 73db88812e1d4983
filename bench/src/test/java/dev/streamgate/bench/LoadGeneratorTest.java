package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void thenSeparatesRuns() {
        assertThat(LoadGenerator.split("--url", "a", "--stream", "--then", "--url", "b"))
                .containsExactly(List.of("--url", "a", "--stream"), List.of("--url", "b"));
        assertThat(LoadGenerator.split("--url", "a")).containsExactly(List.of("--url", "a"));
    }

    @Test
    void aRunWithoutOptionsIsAMistake() {
        assertThatThrownBy(() -> LoadGenerator.split("--url", "a", "--then"))
                .hasMessage("--then must separate two runs' options");
        assertThatThrownBy(() -> LoadGenerator.split("--then", "--url", "a"))
                .hasMessage("--then must separate two runs' options");
    }
}
