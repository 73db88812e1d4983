package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time a process has used so far, from Linux's {@code /proc/<pid>/stat}: user plus system time of all its
 * threads ({@code utime + stime}, in clock ticks of {@code getconf CLK_TCK}), and per thread from
 * {@code /proc/<pid>/task/<tid>/stat}. Child processes are not included, unless it is given a {@link ProcessTree}:
 * then the total is that of the whole tree (see {@link ProcessTree#ticksWithReapedChildren}).
 */
final class ProcessCpu {
    private final long pid;
    private final long ticksPerSecond;
    private final ProcessTree tree;

    ProcessCpu(long pid, long ticksPerSecond) {
        this(pid, ticksPerSecond, null);
    }

    /** @param tree null: this process alone */
    ProcessCpu(long pid, long ticksPerSecond, ProcessTree tree) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + pid);
        }
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("clock ticks per second must be positive, was " + ticksPerSecond);
        }
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
        this.tree = tree;
    }

    /** This process, its descendants and those of the processes the pid files name. */
    static ProcessCpu withChildren(long pid, long ticksPerSecond, List<Path> pidFiles) {
        return new ProcessCpu(pid, ticksPerSecond, new ProcessTree(pid, pidFiles));
    }

    boolean includesChildren() {
        return tree != null;
    }

    long pid() {
        return pid;
    }

    /**
     * CPU seconds used so far: by the whole process, and by those of its threads that are the JVM's JIT compilers
     * and garbage collectors (a busy JIT means the code measured is not yet compiled). Threads that ended are only
     * in the total.
     */
    record Sample(double total, double jit, double gc) {
        Sample minus(Sample earlier) {
            return new Sample(total - earlier.total, jit - earlier.jit, gc - earlier.gc);
        }
    }

    /** Seconds of CPU the process (or its tree) has used since it started. */
    double seconds() {
        if (tree != null) {
            return (double) tree.stats().values().stream().mapToLong(ProcessTree::ticksWithReapedChildren).sum()
                    / ticksPerSecond;
        }
        return (double) ticks(read(Path.of("/proc", Long.toString(pid), "stat"))) / ticksPerSecond;
    }

    Sample sample() {
        long jit = 0;
        long gc = 0;
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended while we looked
                }
                switch (kind(name(stat))) {
                    case JIT -> jit += ticks(stat);
                    case GC -> gc += ticks(stat);
                    case OTHER -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return new Sample(seconds(), (double) jit / ticksPerSecond, (double) gc / ticksPerSecond);
    }

    enum ThreadKind { JIT, GC, OTHER }

    /** By HotSpot's thread names, as {@code /proc} shows them (cut to 15 characters). */
    static ThreadKind kind(String threadName) {
        if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
            return ThreadKind.JIT;
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.equals("VM Thread")
                || threadName.startsWith("ZWorker") || threadName.startsWith("ZDriver")
                || threadName.startsWith("Shenandoah")) {
            return ThreadKind.GC;
        }
        return ThreadKind.OTHER;
    }

    /** The command (thread) name of a {@code /proc/.../stat} line. */
    static String name(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open < 0 || close < open ? "" : stat.substring(open + 1, close);
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
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
