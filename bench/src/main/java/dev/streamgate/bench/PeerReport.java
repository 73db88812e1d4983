package dev.streamgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The peer comparison of {@code bench/peers.sh}: one column per target (straight to the fake upstream, Spring Cloud
 * Gateway, a bare Reactor Netty proxy, StreamGate), one row per figure, each cell with its ratio to the baseline
 * target's (Spring Cloud Gateway's) figure on the same row.
 *
 * <pre>
 * java -cp streamgate-bench.jar dev.streamgate.bench.PeerReport --dir RESULTS
 *     [--targets direct,scg,netty-proxy,streamgate] [--baseline scg] [--direct direct]
 *     [--json json-c32,json-c128] [--sse sse-c32] [--open-streams sse-open500] [--fixed-rate json-r1000]
 *     [--markdown FILE] [--note TEXT]
 * </pre>
 * Scenario {@code s} of target {@code t} is read from {@code RESULTS/s.t.json}, as the load generator wrote it; a
 * missing file leaves its cells empty.
 */
public final class PeerReport {
    private static final String DASH = "-";

    /** Which scenario measures what. */
    record Scenarios(List<String> json, String sse, String openStreams, String fixedRate) {
        List<String> all() {
            List<String> all = new ArrayList<>(json);
            all.add(sse);
            all.add(openStreams);
            all.add(fixedRate);
            return all;
        }
    }

    /**
     * One figure for every target. {@code values} may hold nulls (not measured); {@code notes} are what a cell
     * shows after its value (errors by kind). Rows with a {@code reference} are differences to that target's
     * figure (the direct run); its column then shows its own absolute figure instead, in {@code absolute}.
     */
    record Row(String metric, Map<String, Double> values, Map<String, String> notes, int decimals,
               String reference, Double absolute) {
    }

    private PeerReport() {
    }

    public static void main(String[] args) {
        Path dir;
        Path markdown;
        List<String> targets;
        String baseline;
        String direct;
        Scenarios scenarios;
        List<String> notes = new ArrayList<>();
        try {
            CliArgs cli = CliArgs.parse(args);
            dir = Path.of(cli.required("dir"));
            targets = List.of(cli.string("targets", "direct,scg,netty-proxy,streamgate").split(","));
            baseline = cli.string("baseline", "scg");
            direct = cli.string("direct", "direct");
            scenarios = new Scenarios(List.of(cli.string("json", "json-c32,json-c128").split(",")),
                    cli.string("sse", "sse-c32"), cli.string("open-streams", "sse-open500"),
                    cli.string("fixed-rate", "json-r1000"));
            markdown = cli.path("markdown");
            notes.addAll(ReportFiles.notes(cli.string("note", null)));
            cli.rejectUnknown();
        } catch (IllegalArgumentException e) {
            System.err.println("PeerReport: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Row> rows = rows(read(dir, targets, scenarios), targets, direct, scenarios);
        System.out.println(String.join(System.lineSeparator(), notes));
        System.out.println(text(rows, targets, baseline));
        if (markdown != null) {
            ReportFiles.write(markdown, markdown(notes, rows, targets, baseline));
            System.out.println("Markdown: " + markdown);
        }
    }

    /** results[scenario][target], missing files left out. */
    static Map<String, Map<String, JsonNode>> read(Path dir, List<String> targets, Scenarios scenarios) {
        Map<String, Map<String, JsonNode>> results = new LinkedHashMap<>();
        for (String scenario : scenarios.all()) {
            Map<String, JsonNode> byTarget = new LinkedHashMap<>();
            for (String target : targets) {
                Path file = dir.resolve(scenario + "." + target + ".json");
                if (Files.exists(file)) {
                    byTarget.put(target, JsonMapper.shared().readTree(file.toFile()));
                }
            }
            results.put(scenario, byTarget);
        }
        return results;
    }

    static List<Row> rows(Map<String, Map<String, JsonNode>> results, List<String> targets, String direct,
                          Scenarios s) {
        List<Row> rows = new ArrayList<>();
        for (String json : s.json()) {
            rows.add(row("requests per target CPU-second, " + load(results, json), 0, targets, results.get(json),
                    PeerReport::requestsPerCpuSecond));
        }
        // A large share means the target was still compiling: its per-CPU figures are not yet its steady state.
        for (String json : s.json()) {
            rows.add(row("JIT compiler share of target CPU (%), " + load(results, json), 0, targets,
                    results.get(json), PeerReport::jitPercent));
        }
        rows.add(row("target CPU ms per SSE stream, " + load(results, s.sse()), 3, targets, results.get(s.sse()),
                r -> perRequest(r, 1000)));
        for (String p : List.of("p50", "p99")) {
            rows.add(added("added first chunk " + p + " (ms), " + load(results, s.openStreams()), targets, direct,
                    results.get(s.openStreams()), r -> percentile(r, "first_chunk_ms", p)));
        }
        for (String p : List.of("p50", "p99")) {
            rows.add(added("added latency " + p + " (ms), " + load(results, s.fixedRate()), targets, direct,
                    results.get(s.fixedRate()), r -> percentile(r, "latency_ms", p)));
        }
        String first = s.json().getFirst();
        rows.add(row("allocated bytes per request, " + load(results, first), 0, targets, results.get(first),
                r -> number(r.path("allocation").get("bytes_per_request"))));
        rows.add(row("live heap KiB per open stream, " + load(results, s.openStreams()), 1, targets,
                results.get(s.openStreams()), r -> {
                    Double bytes = number(r.path("heap").get("bytes_per_open_stream"));
                    return bytes == null ? null : bytes / 1024;
                }));
        rows.add(peak("peak RSS (MiB)", targets, results, "peak_rss_kib"));
        rows.add(peak("peak RSS of its child processes (MiB, summed)", targets, results, "children_peak_rss_kib"));
        for (String scenario : s.all()) {
            rows.add(errors("errors, " + scenario, targets, results.get(scenario)));
        }
        return rows;
    }

    private static Row row(String metric, int decimals, List<String> targets, Map<String, JsonNode> byTarget,
                           Function<JsonNode, Double> figure) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String target : targets) {
            JsonNode result = byTarget == null ? null : byTarget.get(target);
            values.put(target, result == null ? null : figure.apply(result));
        }
        return new Row(metric, values, Map.of(), decimals, null, null);
    }

    /** Each target's figure less the direct run's; the direct column keeps its absolute figure. */
    private static Row added(String metric, List<String> targets, String direct, Map<String, JsonNode> byTarget,
                             Function<JsonNode, Double> figure) {
        Row absolute = row(metric, 2, targets, byTarget, figure);
        Double base = absolute.values().get(direct);
        Map<String, Double> values = new LinkedHashMap<>();
        absolute.values().forEach((target, value) ->
                values.put(target, value == null || base == null ? null : value - base));
        return new Row(metric, values, Map.of(), 2, direct, base);
    }

    private static Row peak(String metric, List<String> targets, Map<String, Map<String, JsonNode>> results,
                            String field) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String target : targets) {
            Double max = null;
            for (Map<String, JsonNode> byTarget : results.values()) {
                JsonNode result = byTarget.get(target);
                Double kib = result == null ? null : number(result.path("target_memory").get(field));
                if (kib != null && (max == null || kib > max)) {
                    max = kib;
                }
            }
            values.put(target, max == null ? null : max / 1024);
        }
        return new Row(metric, values, Map.of(), 0, null, null);
    }

    private static Row errors(String metric, List<String> targets, Map<String, JsonNode> byTarget) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (String target : targets) {
            JsonNode result = byTarget == null ? null : byTarget.get(target);
            if (result == null) {
                values.put(target, null);
                continue;
            }
            values.put(target, result.path("error_count").asDouble());
            List<String> kinds = new ArrayList<>();
            result.path("errors").properties().forEach(e -> kinds.add(e.getKey() + " " + e.getValue().asLong()));
            JsonNode probes = result.get("probe_errors");
            if (probes != null) {
                probes.properties().forEach(e -> kinds.add(e.getKey() + " probe failed"));
            }
            if (!kinds.isEmpty()) {
                notes.put(target, String.join(", ", kinds));
            }
        }
        return new Row(metric, values, notes, 0, null, null);
    }

    static Double requestsPerCpuSecond(JsonNode result) {
        JsonNode cpu = result.get("target_cpu");
        double seconds = cpu == null ? 0 : cpu.path("seconds").asDouble();
        return seconds <= 0 ? null : result.path("ok").asDouble() / seconds;
    }

    static Double jitPercent(JsonNode result) {
        JsonNode cpu = result.get("target_cpu");
        double seconds = cpu == null ? 0 : cpu.path("seconds").asDouble();
        return seconds <= 0 || !cpu.has("jit_seconds") ? null : cpu.path("jit_seconds").asDouble() * 100 / seconds;
    }

    /** The target's CPU seconds per successful request, times {@code scale}. */
    static Double perRequest(JsonNode result, double scale) {
        JsonNode cpu = result.get("target_cpu");
        long ok = result.path("ok").asLong();
        return cpu == null || ok == 0 ? null : cpu.path("seconds").asDouble() * scale / ok;
    }

    private static Double percentile(JsonNode result, String histogram, String p) {
        return number(result.path(histogram).get(p));
    }

    private static Double number(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asDouble();
    }

    /** How the scenario loaded its targets, from any of its results. */
    private static String load(Map<String, Map<String, JsonNode>> results, String scenario) {
        Map<String, JsonNode> byTarget = results.get(scenario);
        if (byTarget == null || byTarget.isEmpty()) {
            return scenario;
        }
        JsonNode r = byTarget.values().iterator().next();
        String kind = r.path("stream").asBoolean() ? "SSE" : "JSON";
        if ("fixed_rate".equals(r.path("mode").asString())) {
            return String.format(Locale.ROOT, "%s at %.0f req/s", kind, r.path("target_rps").asDouble());
        }
        return kind + ", closed loop, " + r.path("connections").asInt() + " conn";
    }

    /**
     * A cell: the value, then its ratio to the baseline's value on the row; the reference target of a row of
     * differences shows its absolute figure ({@code = 21.30}) and no ratio.
     */
    static String cell(Row row, String target, String baseline) {
        if (target.equals(row.reference())) {
            return row.absolute() == null ? DASH : "= " + format(row.absolute(), row.decimals());
        }
        Double value = row.values().get(target);
        if (value == null) {
            return DASH;
        }
        StringBuilder cell = new StringBuilder(format(value, row.decimals()));
        String note = row.notes().get(target);
        if (note != null) {
            cell.append(" (").append(note).append(')');
        }
        String ratio = ratio(value, row.values().get(baseline));
        if (!ratio.isEmpty()) {
            cell.append(' ').append(ratio);
        }
        return cell.toString();
    }

    /**
     * {@code ×0.85}: the value over the baseline's; empty where that means nothing: no baseline, a baseline of zero
     * or less, or a negative value (an added latency below the noise: the target measured faster than direct).
     */
    static String ratio(Double value, Double baseline) {
        if (value == null || baseline == null || baseline <= 0 || value < 0) {
            return "";
        }
        return String.format(Locale.ROOT, "×%.2f", value / baseline);
    }

    private static String format(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String text(List<Row> rows, List<String> targets, String baseline) {
        List<List<String>> table = table(rows, targets, baseline);
        int[] widths = new int[table.getFirst().size()];
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : table) {
            for (int i = 0; i < line.size(); i++) {
                String fill = " ".repeat(widths[i] - line.get(i).length());
                out.append(i == 0 ? line.get(i) + fill : fill + line.get(i)).append(i + 1 < line.size() ? "  " : "");
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    static String markdown(List<String> notes, List<Row> rows, List<String> targets, String baseline) {
        StringBuilder out = new StringBuilder();
        for (String note : notes) {
            out.append(note).append("  \n");
        }
        out.append('\n');
        List<List<String>> table = table(rows, targets, baseline);
        out.append("| ").append(String.join(" | ", table.getFirst())).append(" |\n");
        out.append("|---").append("|---:".repeat(targets.size())).append("|\n");
        for (List<String> line : table.subList(1, table.size())) {
            out.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
        return out.toString();
    }

    private static List<List<String>> table(List<Row> rows, List<String> targets, String baseline) {
        List<List<String>> table = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("figure (ratio: target / " + baseline + ")");
        header.addAll(targets);
        table.add(header);
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            line.add(row.metric());
            for (String target : targets) {
                line.add(cell(row, target, baseline));
            }
            table.add(line);
        }
        return table;
    }
}
