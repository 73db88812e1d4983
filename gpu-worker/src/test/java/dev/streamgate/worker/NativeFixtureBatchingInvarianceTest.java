package dev.streamgate.worker;

import dev.streamgate.worker.engine.NativeEngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;

/** The batching-invariance contract on the native engine, with a random-weight fixture model (GQA, float32). */
class NativeFixtureBatchingInvarianceTest extends BatchingInvarianceContract {

    @Override
    protected WorkerRuntime startRuntime(WorkerOptions options) {
        return WorkerRuntime.builder(Fixtures.folder("llama-gqa-f32")).options(options)
                .engineFactory(new NativeEngineFactory()).start();
    }
}
