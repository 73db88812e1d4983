package dev.streamgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sets each scenario's run through the gateway against the same load sent direct to the fake upstream, both
 * measured in the same benchmark run, and prints the comparison as a text table and as Markdown for the README.
 *
 * <pre>
 * java -cp streamgate-bench.jar dev.streamgate.bench.OverheadReport --dir RESULTS --scenarios a,b
 *     [--markdown FILE] [--note TEXT]
 * </pre>
 * Scenario {@code a} is read from {@code RESULTS/a.direct.json} and {@code RESULTS/a.gateway.json} (the latter may
 * be missing when only the direct runs were made). For streaming scenarios the latency compared is the time to the
 * first chunk, otherwise the time to the whole response.
 */
public final class OverheadReport {
    private static final String DASH = "-";

    /** One row of the table; gateway values are null when there was no gateway run. */
    record Row(String scenario, String load, String metric, JsonNode direct, JsonNode gateway) {

        Double directP(String p) {
            return percentile(direct, p);
        }

        Double gatewayP(String p) {
            return percentile(gateway, p);
        }

        Double added(String p) {
            Double d = directP(p);
            Double g = gatewayP(p);
            return d == null || g == null ? null : g - d;
        }

        double directRps() {
            return direct.path("throughput_rps").asDouble();
        }

        Double gatewayRps() {
            return gateway == null ? null : gateway.path("throughput_rps").asDouble();
        }

        Double rpsRatio() {
            Double g = gatewayRps();
            return g == null || directRps() == 0 ? null : g / directRps();
        }

        Double cpuPer1000() {
            JsonNode cpu = gateway == null ? null : gateway.get("target_cpu");
            return cpu == null ? null : cpu.path("seconds_per_1000_requests").asDouble();
        }

        Double cpuCores() {
            JsonNode cpu = gateway == null ? null : gateway.get("target_cpu");
            return cpu == null ? null : cpu.path("cores").asDouble();
        }

        /** The gateway's cores, with the shares its JIT compiler and garbage collector took. */
        String cpuCoresCell() {
            JsonNode cpu = gateway == null ? null : gateway.get("target_cpu");
            if (cpu == null) {
                return DASH;
            }
            String cores = String.format(Locale.ROOT, "%.2f", cpu.path("cores").asDouble());
            double seconds = cpu.path("seconds").asDouble();
            if (seconds <= 0 || !cpu.has("jit_seconds")) {
                return cores;
            }
            double jit = cpu.path("jit_seconds").asDouble();
            double gc = cpu.path("gc_seconds").asDouble();
            return String.format(Locale.ROOT, "%s (JIT %.0f%%, GC %.0f%%)", cores, 100 * jit / seconds,
                    100 * gc / seconds);
        }

        String errors() {
            return direct.path("error_count").asLong() + " / "
                    + (gateway == null ? DASH : Long.toString(gateway.path("error_count").asLong()));
        }

        private Double percentile(JsonNode result, String p) {
            if (result == null) {
                return null;
            }
            JsonNode value = result.path(metricField()).get(p);
            return value == null ? null : value.asDouble();
        }

        private String metricField() {
            return direct.path("stream").asBoolean() ? "first_chunk_ms" : "latency_ms";
        }
    }

    private static final List<String> HEADERS = List.of("scenario", "load", "metric", "direct p50", "direct p99",
            "gateway p50", "gateway p99", "added p50", "added p99", "direct req/s", "gateway req/s",
            "gateway/direct", "gateway CPU-s per 1000 req", "gateway CPU cores (JIT, GC)", "errors direct / gateway");

    private OverheadReport() {
    }

    public static void main(String[] args) {
        Path dir;
        List<String> scenarios;
        Path markdown;
        List<String> notes = new ArrayList<>();
        try {
            CliArgs cli = CliArgs.parse(args);
            dir = Path.of(cli.required("dir"));
            scenarios = List.of(cli.required("scenarios").split(","));
            markdown = cli.path("markdown");
            notes.addAll(ReportFiles.notes(cli.string("note", null)));
            cli.rejectUnknown();
        } catch (IllegalArgumentException e) {
            System.err.println("OverheadReport: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Row> rows = rows(dir, scenarios);
        List<String> header = header(notes);
        System.out.println(String.join(System.lineSeparator(), header));
        System.out.println();
        System.out.println(text(rows));
        if (markdown != null) {
            ReportFiles.write(markdown, markdown(header, rows));
            System.out.println("Markdown: " + markdown);
        }
    }

    static List<Row> rows(Path dir, List<String> scenarios) {
        JsonMapper json = JsonMapper.shared();
        List<Row> rows = new ArrayList<>();
        for (String scenario : scenarios) {
            Path direct = dir.resolve(scenario + ".direct.json");
            Path gateway = dir.resolve(scenario + ".gateway.json");
            if (!Files.exists(direct)) {
                throw new IllegalArgumentException("no results for scenario " + scenario + ": " + direct);
            }
            JsonNode d = json.readTree(direct.toFile());
            JsonNode g = Files.exists(gateway) ? json.readTree(gateway.toFile()) : null;
            rows.add(new Row(scenario, load(d), d.path("stream").asBoolean() ? "first chunk" : "latency", d, g));
        }
        return rows;
    }

    private static String load(JsonNode result) {
        String body = result.path("stream").asBoolean() ? "SSE" : "JSON";
        if ("fixed_rate".equals(result.path("mode").asString())) {
            return String.format(Locale.ROOT, "%s, %.0f req/s, ≤%d in flight", body,
                    result.path("target_rps").asDouble(), result.path("max_in_flight").asInt());
        }
        return String.format(Locale.ROOT, "%s, closed loop, %d conn", body, result.path("connections").asInt());
    }

    private static List<String> header(List<String> notes) {
        List<String> lines = new ArrayList<>();
        lines.add("Gateway overhead: the same load direct to the fake upstream and through the gateway");
        ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        lines.add("date:    " + now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        lines.add("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel()
                + " (load generator, fake upstream and gateway share them; nothing pinned)");
        lines.add("JDK:     " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        lines.addAll(notes);
        return lines;
    }

    static String text(List<Row> rows) {
        List<List<String>> table = new ArrayList<>();
        table.add(HEADERS);
        for (Row row : rows) {
            table.add(cells(row));
        }
        int[] widths = new int[HEADERS.size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < table.size(); r++) {
            List<String> line = table.get(r);
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                out.append(i < 3 ? pad(cell, widths[i], false) : pad(cell, widths[i], true));
                out.append(i + 1 < line.size() ? "  " : "");
            }
            out.append(System.lineSeparator());
        }
        out.append("Latencies in ms (SSE rows: time to the first data chunk); added = gateway - direct. A large JIT"
                + " share means the gateway was still compiling: its numbers are not yet its steady state.");
        return out.toString();
    }

    static String markdown(List<String> header, List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(header.getFirst()).append("\n\n");
        for (String line : header.subList(1, header.size())) {
            out.append("- ").append(line.replaceFirst(":\\s+", ": ")).append('\n');
        }
        out.append('\n');
        out.append("| ").append(String.join(" | ", HEADERS)).append(" |\n");
        out.append("|").append("---|".repeat(3)).append("---:|".repeat(HEADERS.size() - 3)).append('\n');
        for (Row row : rows) {
            out.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
        }
        out.append("\nLatencies in ms (SSE rows: time to the first `data:` chunk); added = gateway − direct. "
                + "Closed-loop rows measure the most each target serves on that many connections, so their "
                + "latency is mostly queueing; the fixed-rate row is the one to read for the added latency at a "
                + "given load (latency counts from each request's scheduled send time). A large JIT share of the "
                + "gateway's CPU means it was still compiling: its numbers are not yet its steady state.\n");
        return out.toString();
    }

    private static List<String> cells(Row row) {
        return List.of(row.scenario(), row.load(), row.metric(),
                ms(row.directP("p50")), ms(row.directP("p99")), ms(row.gatewayP("p50")), ms(row.gatewayP("p99")),
                signedMs(row.added("p50")), signedMs(row.added("p99")),
                String.format(Locale.ROOT, "%.0f", row.directRps()),
                row.gatewayRps() == null ? DASH : String.format(Locale.ROOT, "%.0f", row.gatewayRps()),
                row.rpsRatio() == null ? DASH : String.format(Locale.ROOT, "%.2f", row.rpsRatio()),
                row.cpuPer1000() == null ? DASH : String.format(Locale.ROOT, "%.3f", row.cpuPer1000()),
                row.cpuCoresCell(),
                row.errors());
    }

    private static String ms(Double value) {
        return value == null ? DASH : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String signedMs(Double value) {
        return value == null ? DASH : String.format(Locale.ROOT, "%+.2f", value);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux: the core count alone still says something
        }
        return "unknown CPU";
    }
}
