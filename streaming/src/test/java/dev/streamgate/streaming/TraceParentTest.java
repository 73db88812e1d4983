package dev.streamgate.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void readsTheSpecificationsExample() {
        assertThat(TraceParent.parse("00-" + TRACE + "-" + SPAN + "-01"))
                .contains(new TraceParent(TRACE, SPAN, true));
        assertThat(TraceParent.parse("00-" + TRACE + "-" + SPAN + "-00"))
                .contains(new TraceParent(TRACE, SPAN, false));
    }

    @Test
    void writesWhatItReads() {
        String header = "00-" + TRACE + "-" + SPAN + "-01";
        assertThat(TraceParent.parse(header).orElseThrow().header()).isEqualTo(header);
        assertThat(new TraceParent(TRACE, SPAN, false).header()).endsWith("-00");
    }

    @Test
    void readsAHigherVersionForItsKnownFields() {
        // §4.3: a version-00 parser reads a higher version's first four fields and ignores what follows
        assertThat(TraceParent.parse("01-" + TRACE + "-" + SPAN + "-03-what-comes-later"))
                .contains(new TraceParent(TRACE, SPAN, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version ff is invalid
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",    // version 00 has no more fields
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // all-zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // all-zero parent id
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",      // upper case
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",      // fields misplaced
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",      // flags not hex
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version not hex
    })
    void ignoresWhatTheSpecificationCallsInvalid(String header) {
        assertThat(TraceParent.parse(header)).isEmpty();
    }

    @Test
    void ignoresAMissingHeader() {
        assertThat(TraceParent.parse(null)).isEmpty();
    }

    @Test
    void startsATraceAndContinuesItUnderNewSpans() {
        // a generator whose first draw is zero: ids are never all zero
        long[] draws = {0L, 0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L, 0x00f067aa0ba902b7L, 0x1L};
        int[] next = {0};
        java.util.random.RandomGenerator random = () -> draws[next[0]++];

        TraceParent trace = TraceParent.newTrace(random, true);
        assertThat(trace).isEqualTo(new TraceParent(TRACE, SPAN, true));

        TraceParent child = trace.newSpan(random);
        assertThat(child).isEqualTo(new TraceParent(TRACE, "0000000000000001", true));
    }

    @Test
    void refusesToBuildInvalidIds() {
        assertThatThrownBy(() -> new TraceParent("abc", SPAN, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TraceParent(TRACE, "0000000000000000", true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
