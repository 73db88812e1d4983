package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends chat completion load to an OpenAI-compatible endpoint on this machine and prints what it measured as JSON:
 * latency (time to the whole response) and, for streams, time to the first SSE {@code data:} chunk, in HdrHistogram
 * percentiles; successes and errors by kind; requests per second; and, given {@code --cpu-pid}, the CPU seconds that
 * process spent during the measured window.
 *
 * <pre>
 * java -jar streamgate-bench.jar --url http://127.0.0.1:8080/v1/chat/completions [--api-key-env VAR]
 *     [--connections 32] [--stream] [--rate 0] [--warmup 5s] [--duration 15s] [--cpu-pid PID] [--out FILE]
 * </pre>
 * {@code --then} separates the options of several runs made one after the other in the same JVM.
 * Without {@code --rate} the load is a closed loop (see {@link ClosedLoop}); with it, a fixed rate (see
 * {@link FixedRate}). Runs are bounded in time and in requests ({@code --max-requests}) and only ever target the
 * loopback interface.
 */
public final class LoadGenerator {
    private static final Duration MAX_PHASE = Duration.ofMinutes(10);

    /** What to send, where, and for how long. */
    record Settings(URI url, String apiKey, int connections, boolean stream, String model, int maxTokens,
                    double rate, int maxInFlight, Duration warmup, Duration duration, Duration timeout,
                    long maxRequests, ProcessCpu cpu, long clockTicks, String label, ProcessTree memory,
                    JvmProbe jvm, Path allocationDir, boolean heapPerStream) {
        Settings {
            requireLoopback(url);
            if (duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive");
            }
            if ((allocationDir != null || heapPerStream) && jvm == null) {
                throw new IllegalArgumentException("--allocation-dir and --heap-per-stream need --cpu-pid (the JVM)");
            }
        }

        /** Without the probes of the target's memory and allocation. */
        Settings(URI url, String apiKey, int connections, boolean stream, String model, int maxTokens, double rate,
                 int maxInFlight, Duration warmup, Duration duration, Duration timeout, long maxRequests,
                 ProcessCpu cpu, long clockTicks, String label) {
            this(url, apiKey, connections, stream, model, maxTokens, rate, maxInFlight, warmup, duration, timeout,
                    maxRequests, cpu, clockTicks, label, null, null, null, false);
        }

        boolean closedLoop() {
            return rate == 0;
        }
    }

    private LoadGenerator() {
    }

    /** One run and where its result goes ({@code --out}, or only stdout when null). */
    private record Run(Settings settings, Path out) {
    }

    public static void main(String[] args) throws Exception {
        List<Run> runs = new ArrayList<>();
        try {
            for (List<String> group : split(args)) {
                CliArgs cli = CliArgs.parse(group.toArray(String[]::new));
                Path out = cli.path("out");
                Settings settings = settings(cli);
                cli.rejectUnknown();
                runs.add(new Run(settings, out));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.exit(2);
            return;
        }
        JsonMapper pretty = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        for (Run run : runs) {
            Settings s = run.settings();
            System.err.printf("load %s: %s, %s, %d connection(s), warm-up %ss, measured %ss -> %s%n", s.label(),
                    s.closedLoop() ? "closed loop" : "fixed rate " + s.rate() + " req/s",
                    s.stream() ? "streaming" : "non-streaming", s.connections(), seconds(s.warmup()),
                    seconds(s.duration()), s.url());
            String text = pretty.writeValueAsString(run(s));
            if (run.out() != null) {
                try {
                    Files.writeString(run.out(), text + System.lineSeparator());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + run.out(), e);
                }
            }
            System.out.println(text);
        }
    }

    /**
     * Splits the command line at each {@code --then}: several runs in one JVM, one after the other, so that the load
     * generator compiles its hot code once and its JIT does not compete with the target in every run.
     */
    static List<List<String>> split(String... args) {
        List<List<String>> groups = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--then")) {
                groups.add(current);
                current = new ArrayList<>();
            } else {
                current.add(arg);
            }
        }
        groups.add(current);
        for (List<String> group : groups) {
            if (group.isEmpty()) {
                throw new IllegalArgumentException("--then must separate two runs' options");
            }
        }
        return groups;
    }

    static Settings settings(CliArgs cli) {
        URI url = URI.create(cli.required("url"));
        String keyVariable = cli.string("api-key-env", null);
        String apiKey = null;
        if (keyVariable != null) {
            apiKey = System.getenv(keyVariable);
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key-env names " + keyVariable + ", which is not set");
            }
        }
        int connections = cli.intValue("connections", 32, 1, 4096);
        double rate = cli.doubleValue("rate", 0, 0, 100_000);
        long cpuPid = cli.longValue("cpu-pid", 0, 0, Long.MAX_VALUE);
        long clockTicks = cli.longValue("clk-tck", 100, 1, 1_000_000);
        // --cpu-children: the target's child processes (and those of the processes the pid files name) count as
        // the target's, for CPU and memory: an embedded database works for the gateway that started it.
        boolean children = cli.flag("cpu-children");
        List<Path> pidFiles = new ArrayList<>();
        String pidFileList = cli.string("cpu-pid-file", null);
        if (pidFileList != null) {
            for (String file : pidFileList.split(",")) {
                pidFiles.add(Path.of(file));
            }
        }
        if (!pidFiles.isEmpty() && !children) {
            throw new IllegalArgumentException("--cpu-pid-file needs --cpu-children");
        }
        ProcessCpu cpu = null;
        ProcessTree memory = null;
        JvmProbe jvm = null;
        if (cpuPid != 0) {
            cpu = children ? ProcessCpu.withChildren(cpuPid, clockTicks, pidFiles) : new ProcessCpu(cpuPid, clockTicks);
            memory = new ProcessTree(cpuPid, children ? pidFiles : List.of());
            jvm = new JvmProbe(Path.of(cli.string("jcmd", Path.of(System.getProperty("java.home"), "bin", "jcmd")
                    .toString())), cpuPid);
        }
        return new Settings(url, apiKey, connections, cli.flag("stream"), cli.string("model", "bench"),
                cli.intValue("max-tokens", 256, 1, 1_000_000), rate,
                cli.intValue("max-in-flight", connections, 1, 65_536),
                cli.duration("warmup", Duration.ofSeconds(5), MAX_PHASE),
                cli.duration("duration", Duration.ofSeconds(15), MAX_PHASE),
                cli.duration("timeout", Duration.ofSeconds(30), MAX_PHASE),
                cli.longValue("max-requests", 10_000_000, 1, 100_000_000),
                cpu, clockTicks, cli.string("label", "load"), memory, jvm, cli.path("allocation-dir"),
                cli.flag("heap-per-stream"));
    }

    /** Runs the load and returns the result document. */
    static ObjectNode run(Settings s) throws InterruptedException {
        try (ChatRequester requester = new ChatRequester(s.url(), s.apiKey(), s.connections(), s.stream(), s.model(),
                s.maxTokens(), s.timeout())) {
            // One untimed request first: class loading and the first connection of a fresh JVM can take seconds on
            // a busy machine, and would otherwise eat into the warm-up or, worse, the measured window.
            Outcome primer = requester.send().block(s.timeout().plusSeconds(5));
            if (primer == null || !primer.ok()) {
                System.err.printf("load %s: the first request failed (%s); measuring anyway%n", s.label(),
                        primer == null ? "no answer" : primer.error());
            }
            Probes probes = new Probes(s);
            probes.before();
            long start = System.nanoTime();
            Instant startWall = Instant.now();
            long measureStart = start + s.warmup().toNanos();
            long measureEnd = measureStart + s.duration().toNanos();
            Results results = new Results(measureStart, measureEnd);
            CpuWindow cpu = new CpuWindow(s.cpu(), measureStart, measureEnd);
            CpuWindow self = new CpuWindow(new ProcessCpu(ProcessHandle.current().pid(), s.clockTicks()),
                    measureStart, measureEnd);
            cpu.start();
            self.start();
            // Mid warm-up, when the load is at its full height but its latencies are not measured yet: a full
            // collection stops the target for a moment.
            probes.duringWarmup(requester, start + (long) (s.warmup().toNanos() * 0.6));
            long due = -1;
            if (s.closedLoop()) {
                ClosedLoop.run(requester, results, s.connections(), measureEnd, s.maxRequests(),
                        s.timeout().plusSeconds(5));
            } else {
                int backlog = (int) Math.min(1_000_000, Math.max(1024, s.rate() * 5));
                due = new FixedRate(requester, results, s.maxInFlight(), backlog)
                        .run(start, measureEnd, s.rate(), s.maxRequests(), s.timeout().plusSeconds(5).toNanos());
            }
            // --max-requests may end the load before the window does: then the window ends here, and rates are
            // per the time actually measured.
            long windowEnd = Math.min(System.nanoTime(), measureEnd);
            cpu.close();
            self.close();
            cpu.join();
            self.join();
            double seconds = Math.max(0, windowEnd - measureStart) / 1e9;
            probes.after(startWall.plusNanos(measureStart - start), startWall.plusNanos(windowEnd - start));
            ObjectNode doc = document(s, results.snapshot(), seconds, cpu, self, due);
            probes.report(doc, doc.path("requests").asLong() / Math.max(seconds, 1e-9));
            return doc;
        }
    }

    private static ObjectNode document(Settings s, Results.Snapshot r, double seconds, CpuWindow cpu,
                                       CpuWindow self, long due) {
        JsonMapper json = JsonMapper.shared();
        ObjectNode doc = json.createObjectNode();
        doc.put("label", s.label());
        doc.put("url", s.url().toString());
        doc.put("mode", s.closedLoop() ? "closed_loop" : "fixed_rate");
        doc.put("stream", s.stream());
        doc.put("connections", s.connections());
        if (!s.closedLoop()) {
            doc.put("target_rps", s.rate());
            doc.put("max_in_flight", s.maxInFlight());
            doc.put("due_requests", due);
        }
        doc.put("warmup_s", s.warmup().toNanos() / 1e9);
        doc.put("duration_s", round(seconds));
        if (seconds < s.duration().toNanos() / 1e9) {
            doc.put("stopped_by_max_requests", true);
        }
        doc.put("requests", r.measuredRequests());
        doc.put("ok", r.ok());
        doc.put("error_count", r.measuredRequests() - r.ok());
        ObjectNode errors = doc.putObject("errors");
        r.errors().forEach(errors::put);
        doc.put("warmup_requests", r.warmupRequests());
        doc.put("throughput_rps", seconds == 0 ? 0 : round(r.ok() / seconds));
        doc.set("latency_ms", percentiles(json, r.total()));
        if (s.stream()) {
            doc.set("first_chunk_ms", percentiles(json, r.firstChunk()));
        }
        if (cpu.measured()) {
            ObjectNode target = doc.putObject("target_cpu");
            target.put("pid", s.cpu().pid());
            target.put("seconds", round(cpu.seconds()));
            target.put("cores", seconds == 0 ? 0 : round(cpu.seconds() / seconds));
            target.put("seconds_per_1000_requests",
                    r.measuredRequests() == 0 ? 0 : round(cpu.seconds() * 1000 / r.measuredRequests()));
            target.put("jit_seconds", round(cpu.used().jit()));
            target.put("gc_seconds", round(cpu.used().gc()));
            target.put("includes_children", s.cpu().includesChildren());
        }
        if (self.measured()) {
            // the load generator's own share of the machine, which the target did not get
            ObjectNode own = doc.putObject("load_generator_cpu");
            own.put("seconds", round(self.seconds()));
            own.put("cores", seconds == 0 ? 0 : round(self.seconds() / seconds));
        }
        return doc;
    }

    /**
     * What the load generator learns about the target JVM itself, apart from the load: its live heap idle and with
     * the load's streams open ({@code --heap-per-stream}), its allocation over the measured window
     * ({@code --allocation-dir}), and the peak resident memory of its processes. A probe that fails is reported in
     * the result as an error and does not stop the run.
     */
    private static final class Probes {
        private final Settings s;
        private final String recording;
        private Long idleHeap;
        private Long idleHeapAfter;
        private Thread heapThread;
        private volatile Long openHeap;
        private volatile double openStreams;
        private AllocationRate allocation;
        private final ObjectNode errors = JsonMapper.shared().createObjectNode();

        Probes(Settings s) {
            this.s = s;
            this.recording = "streamgate-bench-" + s.label().replaceAll("[^A-Za-z0-9_-]", "_");
        }

        void before() {
            if (s.heapPerStream()) {
                attempt("heap", () -> idleHeap = s.jvm().liveHeapBytes());
            }
            if (s.allocationDir() != null) {
                attempt("allocation", () -> s.jvm().startAllocationRecording(recording, s.allocationDir()));
            }
        }

        void duringWarmup(ChatRequester requester, long atNanos) {
            if (!s.heapPerStream() || idleHeap == null) {
                return;
            }
            heapThread = Thread.ofPlatform().daemon().name("heap-probe").start(() -> {
                long wait;
                while ((wait = atNanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                attempt("heap", () -> {
                    int before = requester.inFlight();
                    long live = s.jvm().liveHeapBytes();
                    openStreams = (before + requester.inFlight()) / 2.0;
                    openHeap = live;
                });
            });
        }

        void after(Instant windowStart, Instant windowEnd) throws InterruptedException {
            if (heapThread != null) {
                heapThread.join();
            }
            // Idle once more, now that the streams have ended: a target still digesting the scenario before (a
            // backlog of usage records, say) holds more than it does at rest, and its streams would seem to
            // weigh less than nothing.
            if (s.heapPerStream() && idleHeap != null) {
                attempt("heap", () -> idleHeapAfter = s.jvm().liveHeapBytes());
            }
            if (s.allocationDir() != null && !errors.has("allocation")) {
                attempt("allocation", () -> {
                    Path file = s.allocationDir().resolve(recording + ".jfr");
                    s.jvm().stopAllocationRecording(recording, file);
                    allocation = AllocationRate.read(file, windowStart, windowEnd);
                });
            }
        }

        void report(ObjectNode doc, double requestsPerSecond) {
            if (allocation != null) {
                ObjectNode node = doc.putObject("allocation");
                node.put("bytes_per_second", round(allocation.bytesPerSecond()));
                node.put("seconds", round(allocation.seconds()));
                node.put("bytes_per_request",
                        requestsPerSecond <= 0 ? 0 : round(allocation.bytesPerSecond() / requestsPerSecond));
            }
            if (idleHeap != null && openHeap != null) {
                long idle = idleHeapAfter == null ? idleHeap : Math.min(idleHeap, idleHeapAfter);
                ObjectNode node = doc.putObject("heap");
                node.put("idle_live_bytes", idle);
                node.put("idle_live_bytes_before", idleHeap);
                if (idleHeapAfter != null) {
                    node.put("idle_live_bytes_after", idleHeapAfter);
                }
                node.put("open_live_bytes", openHeap);
                node.put("open_streams", openStreams);
                node.put("bytes_per_open_stream",
                        openStreams <= 0 ? 0 : round((openHeap - idle) / openStreams));
            }
            if (s.memory() != null) {
                attempt("memory", () -> {
                    Map<Long, Long> peaks = s.memory().peakRssKib();
                    ObjectNode node = doc.putObject("target_memory");
                    node.put("peak_rss_kib", peaks.getOrDefault(s.memory().root(), 0L));
                    node.put("children_peak_rss_kib", peaks.entrySet().stream()
                            .filter(e -> e.getKey() != s.memory().root()).mapToLong(Map.Entry::getValue).sum());
                });
            }
            if (!errors.isEmpty()) {
                doc.set("probe_errors", errors);
            }
        }

        private void attempt(String what, Runnable probe) {
            try {
                probe.run();
            } catch (RuntimeException e) {
                System.err.printf("load %s: the %s probe failed: %s%n", s.label(), what, e.getMessage());
                errors.put(what, String.valueOf(e.getMessage()));
            }
        }
    }

    private static ObjectNode percentiles(JsonMapper json, Histogram h) {
        ObjectNode node = json.createObjectNode();
        node.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return node;
        }
        node.put("mean", round(h.getMean() / 1000));
        node.put("p50", millis(h.getValueAtPercentile(50)));
        node.put("p90", millis(h.getValueAtPercentile(90)));
        node.put("p99", millis(h.getValueAtPercentile(99)));
        node.put("p99_9", millis(h.getValueAtPercentile(99.9)));
        node.put("max", millis(h.getMaxValue()));
        return node;
    }

    private static double millis(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String seconds(Duration d) {
        return Double.toString(d.toNanos() / 1e9);
    }

    static void requireLoopback(URI url) {
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be an http:// URL, was " + url);
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(url.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalArgumentException("--url must point at this machine (127.0.0.1), was " + url);
        }
    }

    /**
     * Samples a process's CPU time exactly at the measured window's edges, on its own thread, so that warm-up
     * (JIT compilation included) is not billed to the steady state. {@link #close()} ends the window early; closed
     * before the window opened, or given no process, it measures nothing.
     */
    private static final class CpuWindow extends Thread {
        private final ProcessCpu cpu;
        private final long startNanos;
        private final long endNanos;
        private volatile boolean stopped;
        private volatile ProcessCpu.Sample used;

        CpuWindow(ProcessCpu cpu, long startNanos, long endNanos) {
            super("cpu-window");
            setDaemon(true);
            this.cpu = cpu;
            this.startNanos = startNanos;
            this.endNanos = endNanos;
        }

        @Override
        public void run() {
            if (cpu == null || !sleepUntil(startNanos)) {
                return;
            }
            ProcessCpu.Sample before = cpu.sample();
            sleepUntil(endNanos);
            used = cpu.sample().minus(before);
        }

        void close() {
            stopped = true;
            LockSupport.unpark(this);
        }

        boolean measured() {
            return used != null;
        }

        double seconds() {
            return used.total();
        }

        ProcessCpu.Sample used() {
            return used;
        }

        /** False when closed first. */
        private boolean sleepUntil(long nanos) {
            long wait;
            while ((wait = nanos - System.nanoTime()) > 0) {
                if (stopped) {
                    return false;
                }
                LockSupport.parkNanos(wait);
            }
            return !stopped;
        }
    }
}
