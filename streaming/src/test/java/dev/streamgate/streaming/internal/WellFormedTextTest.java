package dev.streamgate.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WellFormedTextTest {

    @Test
    void wellFormedTextIsReturnedAsIs() {
        String text = "plain é 中文 😀😀";
        assertThat(WellFormedText.of(text)).isSameAs(text);
        assertThat(WellFormedText.of("")).isEmpty();
    }

    @Test
    void unpairedSurrogatesAreReplaced() {
        assertThat(WellFormedText.of("a\uD83D")).isEqualTo("a\uFFFD");
        assertThat(WellFormedText.of("\uDE00b")).isEqualTo("\uFFFDb");
        assertThat(WellFormedText.of("\uDE00\uD83D")).isEqualTo("\uFFFD\uFFFD");
        assertThat(WellFormedText.of("😀\uD83D😀x\uDE00")).isEqualTo("😀\uFFFD😀x\uFFFD");
        assertThat(WellFormedText.of("\uD83D\uD83D\uDE00")).isEqualTo("\uFFFD😀");
    }
}
