package dev.streamgate.worker.engine;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The reference fixtures copied into test resources, and their expected.json. */
final class Fixtures {

    static final List<String> ALL = List.of("llama-gqa-f32", "llama-gqa-bf16", "llama3-rope-tied-f32", "qwen2-bias-tied-f32");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private Fixtures() {
    }

    /**
     * Engine options pinned to the CPU backend: these tests hold the engine to float32 tolerances, which a GPU
     * (bf16) backend picked by AUTO would not meet. The CUDA backend has its own tests (tagged "gpu").
     */
    static EngineOptions cpu() {
        return EngineOptions.defaults().withBackend(EngineOptions.ComputeBackend.CPU);
    }

    static Path folder(String name) {
        return resource("/fixtures/" + name);
    }

    static Path demoChat() {
        return resource("/models/demo-chat");
    }

    private static Path resource(String path) {
        URL url = Fixtures.class.getResource(path + "/config.json");
        if (url == null) throw new IllegalStateException("test resource " + path + " is missing");
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One prompt of expected.json. {@code allLogits} is empty except for prompt 0. */
    record Prompt(int[] inputIds, float[] lastLogits, float[][] allLogits, int[] greedyIds, float[] margins) {

        /** How many greedy tokens are comparable: up to the first step whose top-2 margin is under 1e-3. */
        int comparableSteps() {
            int n = 0;
            while (n < margins.length && margins[n] >= 1e-3f) n++;
            return n;
        }
    }

    /**
     * The prompts of a fixture's expected.json. For the bf16 fixture the exact-rope logits are the reference
     * (the engine keeps RoPE in float32; see the fixtures README).
     */
    static List<Prompt> prompts(String fixture) {
        JsonNode root = json(folder(fixture).resolve("expected.json"));
        boolean exactRope = root.get("prompts").get(0).has("last_logits_exact_rope");
        List<Prompt> result = new ArrayList<>();
        for (JsonNode p : root.get("prompts")) {
            JsonNode all = p.get(exactRope ? "all_logits_exact_rope" : "all_logits");
            result.add(new Prompt(ints(p.get("input_ids")), floats(p.get(exactRope ? "last_logits_exact_rope" : "last_logits")),
                    all == null ? new float[0][] : matrix(all), ints(p.get("greedy_ids")), floats(p.get("greedy_top2_margin"))));
        }
        return result;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).intValue();
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).doubleValue();
        return out;
    }

    static float[][] matrix(JsonNode array) {
        float[][] out = new float[array.size()][];
        for (int i = 0; i < out.length; i++) out[i] = floats(array.get(i));
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        float worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
