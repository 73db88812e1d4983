package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.NativeEngine.LogitsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Loading model folders: other dtypes, shards, both rope config forms, and the errors for broken checkpoints. */
class NativeEngineLoadingTest {

    private static final String F32 = "llama-gqa-f32";

    @TempDir
    Path dir;

    private static float[][] allLogits(Path folder, int[] ids) {
        try (NativeEngine engine = NativeEngine.load(folder, Fixtures.cpu().withKvBlocks(8))) {
            BatchEntry e = new BatchEntry(1, ids, 0, new int[] {5, 2, 7}, false, SamplingParams.GREEDY, new int[0]);
            return engine.stepWithLogits(List.of(e), LogitsMode.ALL).logits();
        }
    }

    private Path folderWith(String fixture, String name, List<Checkpoint.Tensor> tensors, UnaryOperator<ObjectNode> config)
            throws IOException {
        Path target = dir.resolve(name);
        Checkpoint.copyFiles(Fixtures.folder(fixture), target, config);
        Checkpoint.write(target.resolve("model.safetensors"), tensors);
        return target;
    }

    @Test
    void f16WeightsDecodeExactlyAndStayWithinTheirRoundingOfFloat32() throws IOException {
        Checkpoint c = Checkpoint.read(Fixtures.folder(F32));
        List<Checkpoint.Tensor> f16 = new ArrayList<>(), roundedF32 = new ArrayList<>();
        for (Checkpoint.Tensor t : c.list()) {
            byte[] half = Checkpoint.f16Bytes(Checkpoint.floats(t));
            Checkpoint.Tensor asF16 = t.withData("F16", half);
            f16.add(asF16);
            roundedF32.add(t.withData("F32", Checkpoint.f32Bytes(Checkpoint.floats(asF16))));
        }
        Fixtures.Prompt prompt = Fixtures.prompts(F32).get(0);
        float[][] fromF16 = allLogits(folderWith(F32, "f16", f16, cfg -> cfg), prompt.inputIds());
        float[][] fromRounded = allLogits(folderWith(F32, "rounded", roundedF32, cfg -> cfg), prompt.inputIds());
        for (int p = 0; p < fromF16.length; p++) {
            // Same values, same float32 arithmetic: only the f16 load path differs, so no difference is allowed.
            assertThat(fromF16[p]).as("position %d", p).isEqualTo(fromRounded[p]);
            // f16 keeps 11 significant bits (rounding <= 2^-11 ~ 4.9e-4 relative per weight). A float64 forward
            // pass over the same f16-rounded weights lands within 2.7e-3 of the float32 reference on this fixture
            // (logits up to ~3.8), so 1e-2 leaves room for summation order while a decoding bug (wrong exponent
            // bias, swapped bytes) would be off by whole units.
            assertThat(Fixtures.maxAbsDiff(fromF16[p], prompt.allLogits()[p])).as("position %d", p).isLessThan(1e-2f);
        }
    }

    @Test
    void shardedCheckpointWithAnIndexGivesIdenticalLogits() throws IOException {
        List<Checkpoint.Tensor> tensors = Checkpoint.read(Fixtures.folder(F32)).list();
        Path target = dir.resolve("sharded");
        Checkpoint.copyFiles(Fixtures.folder(F32), target, cfg -> cfg);
        List<Checkpoint.Tensor> first = new ArrayList<>(), second = new ArrayList<>();
        ObjectNode index = Fixtures.JSON.createObjectNode();
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < tensors.size(); i++) {
            boolean inFirst = i % 2 == 0;
            (inFirst ? first : second).add(tensors.get(i));
            weightMap.put(tensors.get(i).name(), inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Checkpoint.write(target.resolve("model-00001-of-00002.safetensors"), first);
        Checkpoint.write(target.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(target.resolve("model.safetensors.index.json"), Fixtures.JSON.writeValueAsString(index));

        int[] ids = Fixtures.prompts(F32).get(1).inputIds();
        assertThat(allLogits(target, ids)).isEqualTo(allLogits(Fixtures.folder(F32), ids));
    }

    @Test
    void olderRopeThetaAndRopeScalingKeysLoadTheSameModel() throws IOException {
        String fixture = "llama3-rope-tied-f32";
        List<Checkpoint.Tensor> tensors = Checkpoint.read(Fixtures.folder(fixture)).list();
        Path old = folderWith(fixture, "old-rope", tensors, cfg -> {
            ObjectNode params = (ObjectNode) cfg.remove("rope_parameters");
            cfg.put("rope_theta", params.get("rope_theta").doubleValue());
            params.remove("rope_theta");
            params.remove("rope_type");
            params.put("type", "llama3"); // the oldest spelling of the key
            cfg.set("rope_scaling", params);
            return cfg;
        });
        int[] ids = Fixtures.prompts(fixture).get(2).inputIds();
        float[][] logits = allLogits(old, ids);
        assertThat(logits).isEqualTo(allLogits(Fixtures.folder(fixture), ids));
        assertThat(Fixtures.maxAbsDiff(logits[ids.length - 1], Fixtures.prompts(fixture).get(2).lastLogits())).isLessThan(1e-4f);
    }

    @Test
    void missingTensorFailsAtLoadNamingIt() throws IOException {
        Checkpoint c = Checkpoint.read(Fixtures.folder(F32));
        c.tensors.remove("model.layers.1.mlp.down_proj.weight");
        Path folder = folderWith(F32, "missing", c.list(), cfg -> cfg);
        assertThatThrownBy(() -> NativeEngine.load(folder))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MODEL))
                .hasMessageContaining("missing tensor model.layers.1.mlp.down_proj.weight")
                .hasMessageContaining("expected shape [64, 176]");
    }

    @Test
    void misShapedTensorFailsAtLoadNamingItAndBothShapes() throws IOException {
        Checkpoint c = Checkpoint.read(Fixtures.folder(F32));
        String name = "model.layers.0.self_attn.k_proj.weight";
        c.tensors.put(name, c.tensors.get(name).withShape(new long[] {64, 64}, new byte[64 * 64 * 4]));
        Path folder = folderWith(F32, "misshaped", c.list(), cfg -> cfg);
        assertThatThrownBy(() -> NativeEngine.load(folder))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MODEL))
                .hasMessageContaining(name + ": expected shape [32, 64], got [64, 64]");
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        Path folder = folderWith(F32, "mistral", Checkpoint.read(Fixtures.folder(F32)).list(), cfg -> {
            cfg.putArray("architectures").add("MistralForCausalLM");
            return cfg;
        });
        assertThatThrownBy(() -> NativeEngine.load(folder))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("unsupported architecture MistralForCausalLM");
    }

    @Test
    void unsupportedRopeTypeIsNamed() throws IOException {
        Path folder = folderWith(F32, "yarn", Checkpoint.read(Fixtures.folder(F32)).list(), cfg -> {
            ((ObjectNode) cfg.get("rope_parameters")).put("rope_type", "yarn").put("factor", 4.0);
            return cfg;
        });
        assertThatThrownBy(() -> NativeEngine.load(folder)).isInstanceOf(EngineException.class)
                .hasMessageContaining("unsupported rope type \"yarn\"");
    }

    @Test
    void unsupportedDtypeIsNamedWithItsTensor() throws IOException {
        Checkpoint c = Checkpoint.read(Fixtures.folder(F32));
        String name = "model.norm.weight";
        c.tensors.put(name, new Checkpoint.Tensor(name, "I8", new long[] {64}, new byte[64]));
        Path folder = folderWith(F32, "int8", c.list(), cfg -> cfg);
        assertThatThrownBy(() -> NativeEngine.load(folder))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("tensor " + name).hasMessageContaining("unsupported dtype I8");
    }

    @Test
    void folderWithoutConfigOrWeightsIsRejected() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> NativeEngine.load(empty)).hasMessageContaining("no config.json");
        Checkpoint.copyFiles(Fixtures.folder(F32), dir.resolve("noweights"), cfg -> cfg);
        assertThatThrownBy(() -> NativeEngine.load(dir.resolve("noweights"))).hasMessageContaining("no *.safetensors");
    }

    @Test
    void infoDescribesModelPoolAndBackend() {
        EngineOptions options = Fixtures.cpu().withKvBlockSize(8).withKvCacheBytes(1 << 20);
        try (NativeEngine engine = NativeEngine.load(Fixtures.folder("qwen2-bias-tied-f32"), options)) {
            ModelInfo info = engine.info();
            assertThat(info.architecture()).isEqualTo("Qwen2ForCausalLM");
            assertThat(info.vocabSize()).isEqualTo(512);
            assertThat(info.contextLength()).isEqualTo(512);
            assertThat(info.kvBlockSize()).isEqualTo(8);
            // 2 layers x K and V x 2 KV heads x 16 dims x 4 bytes = 512 bytes per token, 4 KiB per block
            assertThat(info.kvBlocks()).isEqualTo((1 << 20) / 4096);
            assertThat(info.backend()).isIn("cpu-avx2", "cpu-scalar");
        }
        EngineOptions scalar = Fixtures.cpu().withKvBlocks(4).withBackend(EngineOptions.ComputeBackend.CPU_SCALAR);
        try (NativeEngine engine = NativeEngine.load(Fixtures.folder("qwen2-bias-tied-f32"), scalar)) {
            assertThat(engine.info().backend()).isEqualTo("cpu-scalar");
        }
    }
}
