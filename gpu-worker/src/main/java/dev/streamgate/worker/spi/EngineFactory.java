package dev.streamgate.worker.spi;

import java.nio.file.Path;
import java.util.ServiceLoader;

import dev.streamgate.worker.engine.EngineOptions;
import dev.streamgate.worker.engine.InferenceEngine;

/**
 * Opens an {@link InferenceEngine} on a Hugging Face model folder. The runtime calls it once at start, on the
 * thread that starts the runtime, and then hands the engine to the scheduler thread.
 *
 * <p>The worker finds its production engine through {@link ServiceLoader}: an implementation listed in
 * {@code META-INF/services/dev.streamgate.worker.spi.EngineFactory}. Tests pass a factory directly.
 */
@FunctionalInterface
public interface EngineFactory {

    /**
     * @param options how to run the model (threads, KV pool); an engine ignores what does not apply to it, but
     *                honours {@link EngineOptions#kvBlocks()} when it is set
     * @throws IllegalArgumentException when the folder holds a model the engine cannot serve (the message names
     *                                  what is missing or unsupported, e.g. the tensor)
     */
    InferenceEngine open(Path modelFolder, EngineOptions options);

    /** The engine factory on the class path; fails with a clear message if there is none, or more than one. */
    static EngineFactory discover() {
        var found = ServiceLoader.load(EngineFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        if (found.isEmpty()) {
            throw new IllegalStateException("no inference engine on the class path (no "
                    + EngineFactory.class.getName() + " service): the native engine is missing from this build");
        }
        if (found.size() > 1) {
            throw new IllegalStateException("more than one inference engine on the class path: " + found);
        }
        return found.getFirst();
    }
}
