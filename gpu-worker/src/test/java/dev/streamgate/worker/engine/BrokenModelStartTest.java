package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamgate.worker.WorkerRuntime;

/**
 * A worker started on a broken checkpoint (the engine found through ServiceLoader, as {@code java -jar} finds it)
 * fails at start with the engine's message naming the tensor, as the operator's error.
 */
class BrokenModelStartTest {
    private static final String FIXTURE = "llama-gqa-f32";

    @TempDir
    Path dir;

    @Test
    void missingTensorIsNamed() throws IOException {
        Checkpoint checkpoint = Checkpoint.read(Fixtures.folder(FIXTURE));
        checkpoint.tensors.remove("model.layers.0.self_attn.o_proj.weight");
        Path folder = folder("missing", checkpoint);

        assertThatThrownBy(() -> WorkerRuntime.builder(folder).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing tensor model.layers.0.self_attn.o_proj.weight");
    }

    @Test
    void misShapedTensorIsNamedWithBothShapes() throws IOException {
        Checkpoint checkpoint = Checkpoint.read(Fixtures.folder(FIXTURE));
        String name = "model.layers.1.mlp.gate_proj.weight";
        Checkpoint.Tensor wrong = checkpoint.tensors.get(name).withShape(new long[] {64, 64}, new byte[64 * 64 * 4]);
        checkpoint.tensors.put(name, wrong);
        Path folder = folder("misshaped", checkpoint);

        assertThatThrownBy(() -> WorkerRuntime.builder(folder).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name + ": expected shape [176, 64], got [64, 64]");
    }

    private Path folder(String name, Checkpoint checkpoint) throws IOException {
        Path target = dir.resolve(name);
        Checkpoint.copyFiles(Fixtures.folder(FIXTURE), target, config -> config);
        Checkpoint.write(target.resolve("model.safetensors"), checkpoint.list());
        return target;
    }
}
