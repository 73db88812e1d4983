package dev.streamgate.worker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamgate.worker.WorkerOptions;
import dev.streamgate.worker.engine.EngineOptions;

class WorkerCommandLineTest {

    @Test
    void readsEveryOption(@TempDir Path model) {
        WorkerCommandLine line = WorkerCommandLine.parse("--model", model.toString(), "--port", "9000", "--host",
                "127.0.0.1", "--kv-blocks", "512", "--max-num-seqs", "8", "--max-batched-tokens", "256",
                "--served-model-name", "tiny", "--threads", "2", "--kv-block-size", "32", "--kv-dtype", "bf16");
        assertThat(line.model()).isEqualTo(model);
        assertThat(line.port()).isEqualTo(9000);
        assertThat(line.host()).isEqualTo("127.0.0.1");
        EngineOptions engine = EngineOptions.defaults().withThreads(2).withKvBlockSize(32).withKvBlocks(512)
                .withKvDtype(EngineOptions.KvCacheDtype.BF16);
        assertThat(line.options()).isEqualTo(new WorkerOptions("tiny", engine, 8, 256,
                WorkerOptions.DEFAULTS.warmupTimeout()));
    }

    @Test
    void theBundledDemoModelCanBeNamed() {
        WorkerCommandLine line = WorkerCommandLine.parse("--model", "demo-chat");
        assertThat(line.model().resolve("config.json")).exists();
        assertThat(line.port()).isEqualTo(8000);
        assertThat(line.options()).isEqualTo(WorkerOptions.DEFAULTS);
    }

    @Test
    void theTokenBudgetFollowsManySequencesUnlessSet() {
        assertThat(WorkerCommandLine.parse("--model", "demo-chat", "--max-num-seqs", "4096").options()
                .maxBatchedTokens()).isEqualTo(4096);
    }

    @Test
    void theBackendAndTheGpuCanBeChosen() {
        EngineOptions engine = WorkerCommandLine.parse("--model", "demo-chat", "--backend", "cuda", "--device", "1",
                "--kv-memory-fraction", "0.5", "--cuda-graph-max-batch", "64", "--programmatic-launch", "off")
                .options().engine();
        assertThat(engine.backend()).isEqualTo(EngineOptions.ComputeBackend.CUDA);
        assertThat(engine.gpu()).isEqualTo(new EngineOptions.Gpu(1, 0.5, EngineOptions.Gpu.defaults().maxBatchTokens(),
                64, false));
        assertThat(WorkerCommandLine.parse("--model", "demo-chat", "--backend", "CPU").options().engine().backend())
                .isEqualTo(EngineOptions.ComputeBackend.CPU);
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--backend", "tpu"))
                .hasMessageContaining("--backend must be auto, cpu or cuda");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--kv-memory-fraction", "1.5"))
                .hasMessageContaining("invalid engine option: gpu.kvMemoryFraction must be in (0, 1]");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--kv-memory-fraction", "most"))
                .hasMessageContaining("--kv-memory-fraction must be a number");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--programmatic-launch", "yes"))
                .hasMessageContaining("--programmatic-launch must be on or off");
    }

    @Test
    void theKvPoolIsSizedByBlocksOrByMemory() {
        assertThat(WorkerCommandLine.parse("--model", "demo-chat", "--kv-cache-mib", "64").options().engine())
                .isEqualTo(EngineOptions.defaults().withKvCacheBytes(64L << 20));
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--kv-blocks", "8",
                "--kv-cache-mib", "64")).hasMessageContaining("give one");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> WorkerCommandLine.parse()).hasMessageContaining("--model is required");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "/no/such/folder"))
                .hasMessageContaining("neither a folder nor a bundled model");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--port", "x"))
                .hasMessageContaining("--port must be a number");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--max-num-seqs", "64",
                "--max-batched-tokens", "32")).hasMessageContaining("maxBatchedTokens");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--threads", "-1"))
                .hasMessageContaining("invalid engine option: threads must be >= 0");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--kv-dtype", "f8"))
                .hasMessageContaining("--kv-dtype must be f32 or bf16");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--verbose"))
                .hasMessageContaining("--verbose needs a value");
        assertThatThrownBy(() -> WorkerCommandLine.parse("--model", "demo-chat", "--colour", "red"))
                .hasMessageContaining("unknown option --colour");
    }
}
