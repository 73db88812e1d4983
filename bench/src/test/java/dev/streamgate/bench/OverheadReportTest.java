package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverheadReportTest {
    @TempDir
    Path dir;

    @Test
    void comparesTheGatewayRunWithTheDirectRunOfTheSameScenario() throws Exception {
        write("json-c32.direct.json", result(false, "closed_loop", 1.0, 3.0, 4000, null));
        write("json-c32.gateway.json", result(false, "closed_loop", 2.5, 7.5, 1000, "{\"seconds\":15.0,"
                + "\"cores\":1.0,\"seconds_per_1000_requests\":0.75,\"jit_seconds\":3.0,\"gc_seconds\":0.75}"));

        OverheadReport.Row row = OverheadReport.rows(dir, List.of("json-c32")).getFirst();

        assertThat(row.metric()).isEqualTo("latency");
        assertThat(row.load()).isEqualTo("JSON, closed loop, 32 conn");
        assertThat(row.added("p50")).isEqualTo(1.5);
        assertThat(row.added("p99")).isEqualTo(4.5);
        assertThat(row.rpsRatio()).isEqualTo(0.25);
        assertThat(row.cpuPer1000()).isEqualTo(0.75);
        assertThat(OverheadReport.text(List.of(row)))
                .contains("json-c32", "+1.50", "+4.50", "4000", "1000", "0.25", "0.750", "1.00 (JIT 20%, GC 5%)",
                        "0 / 0");
    }

    @Test
    void streamingScenariosCompareTheTimeToFirstChunk() throws Exception {
        write("sse-c32.direct.json", result(true, "closed_loop", 5.0, 9.0, 100, null));
        write("sse-c32.gateway.json", result(true, "closed_loop", 6.0, 12.0, 90, null));

        OverheadReport.Row row = OverheadReport.rows(dir, List.of("sse-c32")).getFirst();

        assertThat(row.metric()).isEqualTo("first chunk");
        // first_chunk_ms is written as half of latency_ms below
        assertThat(row.added("p50")).isEqualTo(0.5);
        assertThat(row.added("p99")).isEqualTo(1.5);
    }

    @Test
    void withoutAGatewayRunTheGatewayColumnsStayEmpty() throws Exception {
        write("json-r1000.direct.json", result(false, "fixed_rate", 0.5, 0.9, 1000, null));

        OverheadReport.Row row = OverheadReport.rows(dir, List.of("json-r1000")).getFirst();
        String markdown = OverheadReport.markdown(List.of("title", "date:    today"), List.of(row));

        assertThat(row.load()).isEqualTo("JSON, 1000 req/s, ≤32 in flight");
        assertThat(row.added("p99")).isNull();
        assertThat(row.rpsRatio()).isNull();
        assertThat(markdown).contains("### title", "- date: today", "| json-r1000 | JSON, 1000 req/s, ≤32 in flight"
                + " | latency | 0.50 | 0.90 | - | - | - | - | 1000 | - | - | - | - | 0 / - |");
    }

    @Test
    void aScenarioWithoutResultsIsAnError() {
        assertThatThrownBy(() -> OverheadReport.rows(dir, List.of("missing")))
                .hasMessageContaining("no results for scenario missing");
    }

    private void write(String name, String json) throws Exception {
        Files.writeString(dir.resolve(name), json);
    }

    private static String result(boolean stream, String mode, double p50, double p99, double rps, String cpu) {
        String latency = "{\"p50\":" + p50 + ",\"p99\":" + p99 + "}";
        String firstChunk = "{\"p50\":" + p50 / 2 + ",\"p99\":" + p99 / 2 + "}";
        return "{\"stream\":" + stream + ",\"mode\":\"" + mode + "\",\"connections\":32,\"target_rps\":1000,"
                + "\"max_in_flight\":32,\"throughput_rps\":" + rps + ",\"error_count\":0,\"latency_ms\":" + latency
                + (stream ? ",\"first_chunk_ms\":" + firstChunk : "")
                + (cpu == null ? "" : ",\"target_cpu\":" + cpu) + "}";
    }
}
