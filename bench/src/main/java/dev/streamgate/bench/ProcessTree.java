package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process and the processes that work for it, read from Linux's {@code /proc}: its descendants, plus the
 * descendants of extra roots named by pid files (an embedded PostgreSQL's {@code postmaster.pid}: {@code pg_ctl}
 * detaches the server, so it need not be a child of the process that started it). What they use together is what
 * that process costs the machine.
 */
final class ProcessTree {
    private final long root;
    private final List<Path> pidFiles;

    ProcessTree(long root, List<Path> pidFiles) {
        if (root <= 0) {
            throw new IllegalArgumentException("pid must be positive, was " + root);
        }
        this.root = root;
        this.pidFiles = List.copyOf(pidFiles);
    }

    long root() {
        return root;
    }

    /** The {@code /proc/<pid>/stat} line of every live member, by pid, the root first. */
    Map<Long, String> stats() {
        Map<Long, String> all = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String stat = read(proc.resolve("stat"));
                if (stat != null) {
                    all.put(Long.parseLong(proc.getFileName().toString()), stat);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        Set<Long> members = members(all, roots());
        Map<Long, String> stats = new LinkedHashMap<>();
        members.forEach(pid -> stats.put(pid, all.get(pid)));
        return stats;
    }

    private List<Long> roots() {
        List<Long> roots = new ArrayList<>();
        roots.add(root);
        for (Path file : pidFiles) {
            String text = read(file);
            if (text == null) {
                continue; // not (yet, or any more) running
            }
            String first = text.lines().findFirst().orElse("").trim();
            if (first.matches("[0-9]{1,10}")) {
                roots.add(Long.parseLong(first));
            }
        }
        return roots;
    }

    /**
     * The roots that are alive and all their descendants, by the parent pid (field 4) of each process's stat line.
     */
    static Set<Long> members(Map<Long, String> statByPid, List<Long> roots) {
        Map<Long, List<Long>> children = new HashMap<>();
        statByPid.forEach((pid, stat) -> children.computeIfAbsent(parent(stat), k -> new ArrayList<>()).add(pid));
        Set<Long> members = new LinkedHashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        for (Long r : roots) {
            if (statByPid.containsKey(r)) {
                todo.add(r);
            }
        }
        while (!todo.isEmpty()) {
            Long pid = todo.poll();
            if (members.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return members;
    }

    /** The parent pid of a {@code /proc/<pid>/stat} line. */
    static long parent(String stat) {
        return Long.parseLong(fields(stat)[1]);
    }

    /**
     * {@code utime + stime + cutime + cstime} of a {@code /proc/<pid>/stat} line: the process's own CPU time and
     * that of its children it has waited for, so that a short-lived child (a database backend that ended) is still
     * counted, in its parent, after it is gone.
     */
    static long ticksWithReapedChildren(String stat) {
        String[] f = fields(stat);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** The fields after the command name: [0] is field 3 (state). */
    private static String[] fields(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        if (fields.length < 15) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        return fields;
    }

    /** Peak resident set size ({@code VmHWM}) of each live member, in KiB, by pid. */
    Map<Long, Long> peakRssKib() {
        Map<Long, Long> peaks = new LinkedHashMap<>();
        for (Long pid : stats().keySet()) {
            String status = read(Path.of("/proc", Long.toString(pid), "status"));
            if (status != null) {
                long kib = vmHwmKib(status);
                if (kib >= 0) {
                    peaks.put(pid, kib);
                }
            }
        }
        return peaks;
    }

    /** The {@code VmHWM:} line of a {@code /proc/<pid>/status} file, in KiB, or -1 (a kernel thread has none). */
    static long vmHwmKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return -1;
    }

    /** Null when the file is gone: a process that ended between listing and reading. */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }
}
