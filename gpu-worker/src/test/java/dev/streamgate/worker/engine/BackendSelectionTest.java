package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.EngineOptions.ComputeBackend;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the engine picks its backend: AUTO runs CUDA where this build and machine can, the CPU otherwise; an explicit
 * CUDA request on a machine that cannot run it fails with the reason. Both branches are real: which one a run takes
 * depends on the machine.
 */
class BackendSelectionTest {

    private static final String FIXTURE = "qwen2-bias-tied-f32";

    @Test
    void cpuBackendsAreAlwaysAvailable() {
        assertThat(NativeEngine.unavailableReason(ComputeBackend.AUTO)).isEmpty();
        assertThat(NativeEngine.unavailableReason(ComputeBackend.CPU)).isEmpty();
        assertThat(NativeEngine.unavailableReason(ComputeBackend.CPU_SCALAR)).isEmpty();
    }

    @Test
    void autoRunsCudaWhereItCanAndTheCpuElsewhere() {
        Optional<String> cudaMissing = NativeEngine.unavailableReason(ComputeBackend.CUDA);
        EngineOptions auto = EngineOptions.defaults().withKvBlockSize(8).withKvBlocks(32);
        try (NativeEngine engine = NativeEngine.load(Fixtures.folder(FIXTURE), auto)) {
            if (cudaMissing.isPresent()) {
                assertThat(cudaMissing.get()).isNotBlank();
                assertThat(engine.info().backend()).isIn("cpu-avx2", "cpu-scalar");
            } else {
                assertThat(engine.info().backend()).startsWith("cuda-sm");
            }
            assertThat(engine.info().kvBlocks()).isEqualTo(32);
        }
    }

    @Test
    void explicitCudaWithoutADeviceFailsWithTheReason() {
        Optional<String> cudaMissing = NativeEngine.unavailableReason(ComputeBackend.CUDA);
        EngineOptions cuda = EngineOptions.defaults().withBackend(ComputeBackend.CUDA).withKvBlocks(32);
        if (cudaMissing.isPresent()) {
            assertThatThrownBy(() -> NativeEngine.load(Fixtures.folder(FIXTURE), cuda))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                    .hasMessageContaining("CUDA backend: " + cudaMissing.get());
        } else {
            try (NativeEngine engine = NativeEngine.load(Fixtures.folder(FIXTURE), cuda)) {
                assertThat(engine.info().backend()).startsWith("cuda-sm");
            }
        }
    }

    @Test
    void gpuSettingsAreValidated() {
        assertThatThrownBy(() -> new EngineOptions.Gpu(0, 1.5, 8192, 256, true)).hasMessageContaining("kvMemoryFraction");
        assertThatThrownBy(() -> new EngineOptions.Gpu(-1, 0.9, 8192, 256, true)).hasMessageContaining("device");
        assertThatThrownBy(() -> new EngineOptions.Gpu(0, 0.9, 0, 256, true)).hasMessageContaining("maxBatchTokens");
        assertThatThrownBy(() -> new EngineOptions.Gpu(0, 0.9, 8192, 5000, true)).hasMessageContaining("graphMaxBatch");
        assertThat(EngineOptions.defaults().gpu()).isEqualTo(new EngineOptions.Gpu(0, 0.9, 8192, 256, true));
    }
}
