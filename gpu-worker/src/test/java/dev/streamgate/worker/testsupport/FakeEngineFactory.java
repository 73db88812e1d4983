package dev.streamgate.worker.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.streamgate.worker.engine.InferenceEngine;
import dev.streamgate.worker.spi.EngineFactory;
import dev.streamgate.worker.engine.EngineOptions;
import tools.jackson.databind.JsonNode;

/**
 * Opens {@link FakeEngine}s sized from a model folder's {@code config.json} (vocabulary, context), with the
 * requested KV pool, and remembers them so tests can check their violations.
 */
public final class FakeEngineFactory implements EngineFactory {
    public static final int BLOCK_SIZE = 4;
    public static final int DEFAULT_BLOCKS = 256;
    /** Fixture vocabularies start with five special tokens; the fake never samples them, so it never ends on EOS. */
    private static final int FIRST_ORDINARY_TOKEN = 5;

    private final Duration stepDelay;
    private final FakeEngine.NextToken model;
    private final List<FakeEngine> opened = new CopyOnWriteArrayList<>();

    /** Engines that hash the context into an ordinary (non-special) token. */
    public FakeEngineFactory(Duration stepDelay) {
        this(stepDelay, null);
    }

    /** Engines that answer with {@code model}. */
    public FakeEngineFactory(Duration stepDelay, FakeEngine.NextToken model) {
        this.stepDelay = stepDelay;
        this.model = model;
    }

    @Override
    public InferenceEngine open(Path modelFolder, EngineOptions options) {
        JsonNode config = Fixtures.json(modelFolder.resolve("config.json"));
        int vocab = config.path("vocab_size").intValue();
        int context = config.path("max_position_embeddings").intValue();
        int blocks = options.kvBlocks() > 0 ? options.kvBlocks() : DEFAULT_BLOCKS;
        FakeEngine engine = new FakeEngine(FakeEngine.info(vocab, context, BLOCK_SIZE, blocks),
                model != null ? model : FakeEngine.hashing(FIRST_ORDINARY_TOKEN, vocab), stepDelay);
        opened.add(engine);
        return engine;
    }

    public List<FakeEngine> opened() {
        return List.copyOf(opened);
    }

    /** Every violation seen by any engine this factory opened. */
    public List<String> violations() {
        return opened.stream().flatMap(e -> e.violations().stream()).toList();
    }
}
