package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Short runs against the fake upstream: what is counted, not how fast it goes. */
class LoadGeneratorIT {
    private static DisposableServer fake;

    @BeforeAll
    static void startFake() {
        fake = new FakeUpstream(new FakeUpstream.Settings(8, Duration.ZERO, Duration.ZERO)).start(0);
    }

    @AfterAll
    static void stopFake() {
        fake.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    void closedLoopNonStreamingCountsEveryMeasuredRequestOnce() throws Exception {
        ObjectNode result = LoadGenerator.run(settings(FakeUpstream.PATH, false, 0));

        long ok = result.get("ok").asLong();
        assertThat(result.get("mode").asString()).isEqualTo("closed_loop");
        assertThat(ok).isPositive();
        assertThat(result.get("error_count").asLong()).isZero();
        assertThat(result.get("requests").asLong()).isEqualTo(ok);
        assertThat(result.get("latency_ms").get("count").asLong()).isEqualTo(ok);
        assertThat(result.has("first_chunk_ms")).isFalse();
        assertThat(result.get("throughput_rps").asDouble()).isEqualTo(Math.round(ok / 0.8 * 1000) / 1000.0);
    }

    @Test
    void closedLoopStreamingTimesTheFirstChunkOfEveryCompleteStream() throws Exception {
        ObjectNode result = LoadGenerator.run(settings(FakeUpstream.PATH, true, 0));

        long ok = result.get("ok").asLong();
        assertThat(ok).isPositive();
        assertThat(result.get("error_count").asLong()).isZero();
        assertThat(result.get("first_chunk_ms").get("count").asLong()).isEqualTo(ok);
        assertThat(result.get("first_chunk_ms").get("p50").asDouble())
                .isLessThanOrEqualTo(result.get("latency_ms").get("p50").asDouble());
    }

    @Test
    void fixedRateSendsExactlyTheDueRequestsAndMeasuresThoseDueInTheWindow() throws Exception {
        ObjectNode result = LoadGenerator.run(settings(FakeUpstream.PATH, false, 200));

        // due every 5 ms over 0.2 s of warm-up and 0.8 s measured
        assertThat(result.get("mode").asString()).isEqualTo("fixed_rate");
        assertThat(result.get("due_requests").asLong()).isEqualTo(200);
        assertThat(result.get("warmup_requests").asLong()).isEqualTo(40);
        assertThat(result.get("requests").asLong()).isEqualTo(160);
        assertThat(result.get("ok").asLong() + result.get("error_count").asLong()).isEqualTo(160);
    }

    @Test
    void errorsAreCountedByStatusAndKeptOutOfTheLatencies() throws Exception {
        ObjectNode result = LoadGenerator.run(settings("/v1/nowhere", false, 0));

        long errors = result.get("error_count").asLong();
        assertThat(errors).isPositive();
        assertThat(result.get("ok").asLong()).isZero();
        assertThat(result.get("errors").get("http_404").asLong()).isEqualTo(errors);
        assertThat(result.get("latency_ms").get("count").asLong()).isZero();
    }

    @Test
    void measuresTheCpuOfTheProcessItIsGiven() throws Exception {
        LoadGenerator.Settings base = settings(FakeUpstream.PATH, false, 0);
        ProcessCpu self = new ProcessCpu(ProcessHandle.current().pid(), 100);
        LoadGenerator.Settings withCpu = new LoadGenerator.Settings(base.url(), null, base.connections(),
                base.stream(), base.model(), base.maxTokens(), base.rate(), base.maxInFlight(), base.warmup(),
                base.duration(), base.timeout(), base.maxRequests(), self, 100, "cpu");

        ObjectNode result = LoadGenerator.run(withCpu);

        ObjectNode cpu = (ObjectNode) result.get("target_cpu");
        assertThat(cpu.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(cpu.get("seconds").asDouble()).isPositive();
        assertThat(cpu.get("seconds_per_1000_requests").asDouble()).isEqualTo(Math.round(
                cpu.get("seconds").asDouble() * 1000 / result.get("requests").asLong() * 1000) / 1000.0, within());
    }

    @Test
    void probesTheTargetJvmsAllocationHeapAndMemory(@TempDir Path dir) throws Exception {
        // A fake upstream in a JVM of its own, as a target is: jcmd attaches to it as it would to a gateway.
        Path portFile = dir.resolve("fake.port");
        Process target = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FakeUpstream.class.getName(), "--port", "0",
                "--port-file", portFile.toString(), "--tokens", "8")
                .redirectErrorStream(true).redirectOutput(dir.resolve("fake.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(portFile) && target.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(portFile).as("the fake's port file").exists();
            URI url = URI.create("http://127.0.0.1:" + Files.readString(portFile).trim() + FakeUpstream.PATH);
            LoadGenerator.Settings probed = new LoadGenerator.Settings(url, null, 4, true, "bench", 64, 0, 4,
                    Duration.ofMillis(500), Duration.ofMillis(2_500), Duration.ofSeconds(10), 1_000_000,
                    new ProcessCpu(target.pid(), 100), 100, "probed", new ProcessTree(target.pid(), List.of()),
                    new JvmProbe(Path.of(System.getProperty("java.home"), "bin", "jcmd"), target.pid()), dir, true);

            ObjectNode result = LoadGenerator.run(probed);

            assertThat(result.has("probe_errors")).as("%s", result.get("probe_errors")).isFalse();
            assertThat(result.get("ok").asLong()).isPositive();
            assertThat(result.get("allocation").get("bytes_per_request").asDouble()).isPositive();
            assertThat(result.get("allocation").get("seconds").asDouble()).isPositive();
            JsonNode heap = result.get("heap");
            assertThat(heap.get("idle_live_bytes").asLong()).isPositive()
                    .as("the smaller of the idle probes before and after the load")
                    .isEqualTo(Math.min(heap.get("idle_live_bytes_before").asLong(),
                            heap.get("idle_live_bytes_after").asLong()));
            assertThat(heap.get("open_live_bytes").asLong()).isPositive();
            assertThat(heap.get("open_streams").asDouble()).isBetween(0.0, 4.0);
            assertThat(result.get("target_memory").get("peak_rss_kib").asLong()).isPositive();
            assertThat(result.get("target_cpu").get("includes_children").asBoolean()).isFalse();
        } finally {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void maxRequestsEndsTheRunEarlyAndRatesFollowTheTimeMeasured() throws Exception {
        LoadGenerator.Settings base = settings(FakeUpstream.PATH, false, 0);
        LoadGenerator.Settings capped = new LoadGenerator.Settings(base.url(), null, base.connections(),
                base.stream(), base.model(), base.maxTokens(), base.rate(), base.maxInFlight(), Duration.ZERO,
                Duration.ofMinutes(5), base.timeout(), 50, null, 100, "capped");

        ObjectNode result = LoadGenerator.run(capped);

        assertThat(result.get("requests").asLong()).isEqualTo(50);
        assertThat(result.get("stopped_by_max_requests").asBoolean()).isTrue();
        double seconds = result.get("duration_s").asDouble();
        assertThat(seconds).isPositive().isLessThan(300);
        assertThat(result.get("throughput_rps").asDouble()).isCloseTo(50 / seconds, within(0.05 * 50 / seconds));
    }

    @Test
    void targetsOnlyThisMachine() {
        assertThatThrownBy(() -> LoadGenerator.requireLoopback(URI.create("http://10.1.2.3:8080/v1")))
                .hasMessageContaining("must point at this machine");
        assertThatThrownBy(() -> LoadGenerator.requireLoopback(URI.create("https://127.0.0.1:8080/v1")))
                .hasMessageContaining("http://");
        LoadGenerator.requireLoopback(URI.create("http://127.0.0.1:8080/v1"));
        LoadGenerator.requireLoopback(URI.create("http://localhost:8080/v1"));
    }

    private static Offset<Double> within() {
        // the document rounds seconds and the ratio separately
        return within(0.01);
    }

    private static Offset<Double> within(double offset) {
        return Offset.offset(offset);
    }

    private static LoadGenerator.Settings settings(String path, boolean stream, double rate) {
        return new LoadGenerator.Settings(URI.create("http://127.0.0.1:" + fake.port() + path), null, 4, stream,
                "bench", 64, rate, 4, Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(10),
                1_000_000, null, 100, "test");
    }
}
