package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void readsUserAndSystemTicksPastACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (bench) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 8 9 20 0 40 0 100"
                + " 8000000000 50000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcessCpu.ticks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void tellsTheJvmsCompilerAndCollectorThreadsFromTheRest() {
        assertThat(ProcessCpu.kind("C2 CompilerThre")).isEqualTo(ProcessCpu.ThreadKind.JIT);
        assertThat(ProcessCpu.kind("C1 CompilerThre")).isEqualTo(ProcessCpu.ThreadKind.JIT);
        assertThat(ProcessCpu.kind("GC Thread#1")).isEqualTo(ProcessCpu.ThreadKind.GC);
        assertThat(ProcessCpu.kind("G1 Conc#0")).isEqualTo(ProcessCpu.ThreadKind.GC);
        assertThat(ProcessCpu.kind("VM Thread")).isEqualTo(ProcessCpu.ThreadKind.GC);
        assertThat(ProcessCpu.kind("reactor-http-ep")).isEqualTo(ProcessCpu.ThreadKind.OTHER);
        assertThat(ProcessCpu.name("77 (C2 CompilerThre) S 1 2 3")).isEqualTo("C2 CompilerThre");
    }

    @Test
    void samplesThisProcessAsAWholeAndByKindOfThread() {
        ProcessCpu.Sample sample = new ProcessCpu(ProcessHandle.current().pid(), 100).sample();

        assertThat(sample.total()).isPositive();
        assertThat(sample.jit()).isNotNegative().isLessThanOrEqualTo(sample.total());
        assertThat(sample.jit() + sample.gc()).isLessThanOrEqualTo(sample.total());
    }

    @Test
    void refusesALineThatIsNotStat() {
        assertThatThrownBy(() -> ProcessCpu.ticks("no parentheses here"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessCpu.ticks("1 (short) S 1 2"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCpuTimeOfThisProcessGrowsWhileItWorks() {
        ProcessCpu self = new ProcessCpu(ProcessHandle.current().pid(), 100);
        double before = self.seconds();
        long sum = 0;
        long end = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < end) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        assertThat(sum).isPositive();
        assertThat(self.seconds()).isGreaterThan(before);
    }
}
