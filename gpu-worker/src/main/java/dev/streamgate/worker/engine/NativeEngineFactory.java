package dev.streamgate.worker.engine;

import java.nio.file.Path;

import dev.streamgate.worker.spi.EngineFactory;

/**
 * The worker's production engine, found through {@code META-INF/services}: opens a {@link NativeEngine}. A model the
 * engine cannot serve (a missing or mis-shaped tensor, an unsupported architecture, dtype or rope type) is the
 * operator's {@link IllegalArgumentException}, with the engine's message naming what is wrong.
 */
public final class NativeEngineFactory implements EngineFactory {

    @Override
    public InferenceEngine open(Path modelFolder, EngineOptions options) {
        try {
            return NativeEngine.load(modelFolder, options);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.MODEL || e.kind() == EngineException.Kind.UNSUPPORTED) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "NativeEngineFactory";
    }
}
