package dev.streamgate.gateway.worker;

import java.util.Map;

import dev.streamgate.adapters.InferenceAdapterContract;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.ProviderKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The in-process worker keeps the adapter contract: the bundled demo-chat model on StreamGate's own engine, in
 * this JVM, through the continuous-batching scheduler. Its backend calls are the prompts the scheduler took in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InProcessWorkerAdapterTest extends InferenceAdapterContract {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InProcessWorkerAdapter adapter = new InProcessWorkerAdapter(new DeploymentConfig("demo-chat-1",
            "demo-chat", ProviderKind.WORKER, null, null, null, 1, null, null, null,
            Map.of("model", "demo-chat")), registry);

    @AfterAll
    void close() {
        adapter.close();
    }

    @Override
    protected InferenceAdapter adapter() {
        return adapter;
    }

    /** The engine streams as fast as it computes; the contract's cancellation check holds at any speed. */
    @Override
    protected InferenceAdapter slowAdapter() {
        return adapter;
    }

    @Override
    protected long backendCalls() {
        var prompts = registry.find("streamgate.worker.tokens.prompt").counter();
        return prompts == null ? 0 : (long) prompts.count();
    }

    @Override
    protected String model() {
        return "demo-chat";
    }
}
