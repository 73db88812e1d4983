package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far, from Linux's {@code /proc/<pid>/stat}: user plus system time of all its
 * threads ({@code utime + stime}, in clock ticks of {@code getconf CLK_TCK}). Child processes are not included.
 */
final class ProcessCpu {
    private final long pid;
    private final long ticksPerSecond;

    ProcessCpu(long pid, long ticksPerSecond) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + pid);
        }
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("clock ticks per second must be positive, was " + ticksPerSecond);
        }
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    long pid() {
        return pid;
    }

    /** Seconds of CPU the process has used since it started. */
    double seconds() {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
        return (double) ticks(stat) / ticksPerSecond;
    }

    /** {@code utime + stime} of one {@code /proc/<pid>/stat} line. */
    static long ticks(String stat) {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        if (fields.length < 13) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
