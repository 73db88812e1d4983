package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTreeTest {
    @TempDir
    Path dir;

    /** A stat line: pid, name, parent, utime, stime, cutime, cstime. */
    private static String stat(long pid, String name, long parent, long utime, long stime, long cutime, long cstime) {
        return pid + " (" + name + ") S " + parent + " " + pid + " " + pid + " 0 -1 4194560 100 0 0 0 " + utime + " "
                + stime + " " + cutime + " " + cstime + " 20 0 4 0 100 8000000 5000 18446744073709551615 1 1 0 0";
    }

    @Test
    void takesTheRootsAndAllTheirDescendantsAndNothingElse() {
        Map<Long, String> stats = Map.of(
                10L, stat(10, "java", 1, 100, 10, 0, 0),
                11L, stat(11, "pg_ctl", 10, 1, 1, 0, 0),
                20L, stat(20, "postgres", 1, 50, 5, 7, 3),        // detached server, named by its pid file
                21L, stat(21, "postgres: bench", 20, 30, 3, 0, 0), // a backend
                22L, stat(22, "postgres (x) y", 21, 1, 1, 0, 0),   // parentheses in the name
                30L, stat(30, "bash", 1, 999, 999, 0, 0));         // not ours

        assertThat(ProcessTree.members(stats, List.of(10L, 20L))).containsExactlyInAnyOrder(10L, 11L, 20L, 21L, 22L);
        assertThat(ProcessTree.members(stats, List.of(10L))).containsExactlyInAnyOrder(10L, 11L);
        assertThat(ProcessTree.members(stats, List.of(10L, 99L))).containsExactlyInAnyOrder(10L, 11L);
    }

    @Test
    void countsAProcessesOwnTimeAndThatOfTheChildrenItReaped() {
        assertThat(ProcessTree.ticksWithReapedChildren(stat(20, "postgres", 1, 50, 5, 7, 3))).isEqualTo(65);
        assertThat(ProcessTree.parent(stat(22, "postgres (x) 7 8", 21, 1, 1, 0, 0))).isEqualTo(21);
        assertThatThrownBy(() -> ProcessTree.ticksWithReapedChildren("1 (short) S 1 2"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsThePeakResidentSetFromStatus() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n";

        assertThat(ProcessTree.vmHwmKib(status)).isEqualTo(123456);
        assertThat(ProcessTree.vmHwmKib("Name:\tkthreadd\n")).isEqualTo(-1);
    }

    @Test
    void findsThisProcessAndAChildItStartedAndTheProcessAPidFileNames() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        Process named = new ProcessBuilder("sleep", "30").start();
        try {
            Path pidFile = dir.resolve("postmaster.pid");
            Files.writeString(pidFile, named.pid() + "\n/data\n");
            long self = ProcessHandle.current().pid();

            Map<Long, String> stats = new ProcessTree(self, List.of(pidFile, dir.resolve("missing.pid"))).stats();
            Map<Long, Long> peaks = new ProcessTree(self, List.of()).peakRssKib();

            assertThat(stats.keySet()).startsWith(self).contains(child.pid(), named.pid());
            assertThat(peaks.get(self)).isPositive();
        } finally {
            child.destroy();
            named.destroy();
        }
    }

    @Test
    void theCpuOfATreeIsAtLeastThatOfItsRoot() {
        long self = ProcessHandle.current().pid();
        ProcessCpu tree = ProcessCpu.withChildren(self, 100, List.of());
        ProcessCpu alone = new ProcessCpu(self, 100);

        double root = alone.seconds();
        assertThat(tree.includesChildren()).isTrue();
        assertThat(tree.seconds()).isGreaterThanOrEqualTo(root);
    }
}
