package dev.streamgate.worker.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import dev.streamgate.worker.engine.EngineOptions;

/** The Java defaults are the native engine's {@code sg_engine_default_params()}, field for field. */
class NativeDefaultsTest {

    @Test
    void theDefaultsWriteBackAsTheNativeDefaultParamsBytes() {
        NativeLibrary.load();
        ByteBuffer nativeBytes = ByteBuffer.allocateDirect(NativeStructs.ENGINE_PARAMS_FIELDS * 4)
                .order(ByteOrder.nativeOrder());
        assertThat(NativeBridge.defaultParams(nativeBytes)).isEqualTo(NativeStructs.ENGINE_PARAMS_FIELDS * 4);

        EngineOptions defaults = EngineOptions.defaults();
        // Field 1, n_threads: 0 = all cores on both sides; engineParams resolves it to the core count.
        assertThat(defaults.threads()).isZero();
        assertThat(nativeBytes.getInt(4)).isZero();
        ByteBuffer javaBytes = NativeStructs.engineParams(defaults, defaults.kvBlocks());

        for (int field = 0; field < NativeStructs.ENGINE_PARAMS_FIELDS; field++) {
            if (field == 1) {
                continue;
            }
            assertThat(javaBytes.getInt(field * 4)).as("field %d of sg_engine_params", field)
                    .isEqualTo(nativeBytes.getInt(field * 4));
        }
    }

    @Test
    void aBufferTooSmallForTheParamsIsRefused() {
        NativeLibrary.load();
        assertThat(NativeBridge.defaultParams(ByteBuffer.allocateDirect(8))).isEqualTo(-1);
    }
}
