package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapHistogramTest {
    @Test
    void readsTheTotalBytesOfTheHistogram() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         20551        1863296  [B (java.base@25)
                   2:         19766         474384  java.lang.String (java.base@25)
                Total        101234        9876543
                """;

        assertThat(HeapHistogram.totalBytes(histogram)).isEqualTo(9876543);
    }

    /** The collector's fillers are holes in the heap, not live objects: they are not counted. */
    @Test
    void leavesTheCollectorsFillersOut() {
        String histogram = """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:            36        6102448  [Ljdk.internal.vm.FillerElement; (java.base@25.0.3)
                   2:         20551        1863296  [B (java.base@25)
                   3:             3             48  jdk.internal.vm.FillerObject (java.base@25.0.3)
                Total        101234        9876543
                """;

        assertThat(HeapHistogram.totalBytes(histogram)).isEqualTo(9876543 - 6102448 - 48);
    }

    @Test
    void refusesOutputWithoutATotal() {
        assertThatThrownBy(() -> HeapHistogram.totalBytes("12345:\ncom.sun.tools.attach.AttachNotSupportedException"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Total");
    }
}
