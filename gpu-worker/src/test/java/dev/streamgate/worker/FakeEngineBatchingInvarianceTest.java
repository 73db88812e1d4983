package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import dev.streamgate.worker.testsupport.FakeEngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;

/** The batching-invariance contract on the fake engine, whose KV cache checks every block table it is given. */
class FakeEngineBatchingInvarianceTest extends BatchingInvarianceContract {
    private final FakeEngineFactory engines = new FakeEngineFactory(Duration.ofMillis(1));

    @Override
    protected WorkerRuntime startRuntime(WorkerOptions options) {
        return WorkerRuntime.builder(Fixtures.folder("llama-gqa-f32")).options(options).engineFactory(engines)
                .start();
    }

    @Override
    protected void assertEngineSawValidBatches() {
        assertThat(engines.violations()).isEmpty();
    }
}
