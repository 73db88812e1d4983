package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerReportTest {
    private static final List<String> TARGETS = List.of("direct", "scg", "streamgate");
    private static final PeerReport.Scenarios SCENARIOS = new PeerReport.Scenarios(List.of("json-c32"), "sse-c32",
            "sse-open500", "json-r1000");

    @TempDir
    Path dir;

    @Test
    void setsEveryTargetsFiguresAgainstTheBaselinesOnTheSameRow() throws Exception {
        write("json-c32", "direct", json(false, "closed_loop", 32, 8000, 0, 2.0,
                "\"allocation\":{\"bytes_per_request\":900.0}"));
        write("json-c32", "scg", "{\"stream\":false,\"mode\":\"closed_loop\",\"connections\":32,\"ok\":4000,"
                + "\"error_count\":0,\"target_cpu\":{\"seconds\":2.0,\"jit_seconds\":0.5},"
                + "\"allocation\":{\"bytes_per_request\":30000.0}}");
        write("json-c32", "streamgate", json(false, "closed_loop", 32, 1000, 3, 2.0,
                "\"errors\":{\"http_429\":2,\"timeout\":1},\"allocation\":{\"bytes_per_request\":60000.0}"));
        write("sse-c32", "scg", json(true, "closed_loop", 32, 500, 0, 1.0, null));
        write("sse-c32", "streamgate", json(true, "closed_loop", 32, 250, 0, 1.0, null));
        write("sse-open500", "direct", stream(20.0, 25.0, null));
        write("sse-open500", "scg", stream(21.0, 35.0, "\"heap\":{\"bytes_per_open_stream\":10240.0}"));
        write("sse-open500", "streamgate", stream(24.0, 65.0, "\"heap\":{\"bytes_per_open_stream\":40960.0}"));

        List<PeerReport.Row> rows = PeerReport.rows(PeerReport.read(dir, TARGETS, SCENARIOS), TARGETS, "direct",
                SCENARIOS);

        PeerReport.Row perCpu = row(rows, "requests per target CPU-second, JSON, closed loop, 32 conn");
        assertThat(perCpu.values()).containsExactlyEntriesOf(map(4000.0, 2000.0, 500.0));
        assertThat(PeerReport.cell(perCpu, "streamgate", "scg")).isEqualTo("500 ×0.25");

        assertThat(row(rows, "JIT compiler share of target CPU (%), JSON, closed loop, 32 conn").values())
                .containsExactlyEntriesOf(map(null, 25.0, null));

        PeerReport.Row perStream = row(rows, "target CPU ms per SSE stream, SSE, closed loop, 32 conn");
        assertThat(perStream.values().get("scg")).isEqualTo(2.0);
        assertThat(perStream.values().get("streamgate")).isEqualTo(4.0);
        assertThat(perStream.values().get("direct")).isNull();
        assertThat(PeerReport.cell(perStream, "direct", "scg")).isEqualTo("-");

        PeerReport.Row p99 = row(rows, "added first chunk p99 (ms), SSE, closed loop, 500 conn");
        assertThat(p99.values()).containsExactlyEntriesOf(map(0.0, 10.0, 40.0));
        assertThat(PeerReport.cell(p99, "direct", "scg")).isEqualTo("= 25.00");
        assertThat(PeerReport.cell(p99, "streamgate", "scg")).isEqualTo("40.00 ×4.00");

        assertThat(row(rows, "allocated bytes per request, JSON, closed loop, 32 conn").values())
                .containsExactlyEntriesOf(map(900.0, 30000.0, 60000.0));
        assertThat(row(rows, "live heap KiB per open stream, SSE, closed loop, 500 conn").values())
                .containsExactlyEntriesOf(map(null, 10.0, 40.0));

        PeerReport.Row errors = row(rows, "errors, json-c32");
        assertThat(PeerReport.cell(errors, "streamgate", "scg")).isEqualTo("3 (http_429 2, timeout 1)");
        assertThat(PeerReport.cell(errors, "scg", "scg")).isEqualTo("0");
        assertThat(PeerReport.cell(row(rows, "errors, json-r1000"), "scg", "scg")).isEqualTo("-");
    }

    @Test
    void takesEachTargetsPeakResidentMemoryOverAllItsRuns() throws Exception {
        write("json-c32", "streamgate", json(false, "closed_loop", 32, 10, 0, 1.0,
                "\"target_memory\":{\"peak_rss_kib\":204800,\"children_peak_rss_kib\":51200}"));
        write("sse-open500", "streamgate", stream(1, 2,
                "\"target_memory\":{\"peak_rss_kib\":307200,\"children_peak_rss_kib\":40960}"));
        write("sse-open500", "scg", stream(1, 2, "\"target_memory\":{\"peak_rss_kib\":102400,"
                + "\"children_peak_rss_kib\":0}"));

        List<PeerReport.Row> rows = PeerReport.rows(PeerReport.read(dir, TARGETS, SCENARIOS), TARGETS, "direct",
                SCENARIOS);

        PeerReport.Row rss = row(rows, "peak RSS (MiB)");
        assertThat(rss.values()).containsExactlyEntriesOf(map(null, 100.0, 300.0));
        assertThat(PeerReport.cell(rss, "streamgate", "scg")).isEqualTo("300 ×3.00");
        assertThat(row(rows, "peak RSS of its child processes (MiB, summed)").values().get("streamgate"))
                .isEqualTo(50.0);
        String markdown = PeerReport.markdown(List.of("a note"), rows, TARGETS, "scg");
        assertThat(markdown).startsWith("a note").contains("| figure (ratio: target / scg) | direct | scg | streamgate |",
                "|---|---:|---:|---:|", "| peak RSS (MiB) | - | 100 ×1.00 | 300 ×3.00 |");
    }

    @Test
    void aRatioNeedsABaselineThatIsNotZero() {
        assertThat(PeerReport.ratio(3.0, 2.0)).isEqualTo("×1.50");
        assertThat(PeerReport.ratio(3.0, 0.0)).isEmpty();
        assertThat(PeerReport.ratio(3.0, -1.0)).isEmpty();
        assertThat(PeerReport.ratio(-3.0, 2.0)).isEmpty();
        assertThat(PeerReport.ratio(0.0, 2.0)).isEqualTo("×0.00");
        assertThat(PeerReport.ratio(3.0, null)).isEmpty();
        assertThat(PeerReport.ratio(null, 2.0)).isEmpty();
    }

    private static Map<String, Double> map(Double direct, Double scg, Double streamgate) {
        Map<String, Double> map = new java.util.LinkedHashMap<>();
        map.put("direct", direct);
        map.put("scg", scg);
        map.put("streamgate", streamgate);
        return map;
    }

    private static PeerReport.Row row(List<PeerReport.Row> rows, String metric) {
        return rows.stream().filter(r -> r.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + metric + " in "
                        + rows.stream().map(PeerReport.Row::metric).toList()));
    }

    /** A result whose target used {@code cpuSeconds} for {@code ok} successful requests. */
    private static String json(boolean stream, String mode, int connections, long ok, long errors, double cpuSeconds,
                               String more) {
        return "{\"stream\":" + stream + ",\"mode\":\"" + mode + "\",\"connections\":" + connections + ",\"ok\":" + ok
                + ",\"error_count\":" + errors + ",\"target_cpu\":{\"seconds\":" + cpuSeconds
                + "}"
                + (more == null ? "" : "," + more) + "}";
    }

    private static String stream(double p50, double p99, String more) {
        return "{\"stream\":true,\"mode\":\"closed_loop\",\"connections\":500,\"ok\":100,\"error_count\":0,"
                + "\"first_chunk_ms\":{\"p50\":" + p50 + ",\"p99\":" + p99 + "}" + (more == null ? "" : "," + more)
                + "}";
    }

    private void write(String scenario, String target, String json) throws Exception {
        Files.writeString(dir.resolve(scenario + "." + target + ".json"), json);
    }
}
