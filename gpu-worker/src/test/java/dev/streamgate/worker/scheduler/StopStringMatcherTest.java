package dev.streamgate.worker.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    @Test
    void findsAStopSplitOverManyPiecesAndDropsItAndWhatFollows() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("</answer>"));
        assertThat(matcher.push("The end<")).isEqualTo(new StopStringMatcher.Result("The end", false));
        assertThat(matcher.push("/ans")).isEqualTo(new StopStringMatcher.Result("", false));
        assertThat(matcher.push("wer> trailing")).isEqualTo(new StopStringMatcher.Result("", true));
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("cd", "b"));
        assertThat(matcher.push("abcd")).isEqualTo(new StopStringMatcher.Result("a", true));
    }

    @Test
    void releasesHeldTextWhenItStopsLookingLikeAStop() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));
        assertThat(matcher.push("a ST")).isEqualTo(new StopStringMatcher.Result("a ", false));
        assertThat(matcher.push("AR")).isEqualTo(new StopStringMatcher.Result("STAR", false));
        assertThat(matcher.push("S")).isEqualTo(new StopStringMatcher.Result("", false));
        assertThat(matcher.flush()).isEqualTo("S");
    }

    @Test
    void withoutStopsEverythingPassesThrough() {
        StopStringMatcher matcher = new StopStringMatcher(List.of());
        assertThat(matcher.push("S")).isEqualTo(new StopStringMatcher.Result("S", false));
    }
}
