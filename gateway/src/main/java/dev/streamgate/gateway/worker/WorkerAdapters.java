package dev.streamgate.gateway.worker;

import dev.streamgate.adapters.AdapterFactory;
import dev.streamgate.config.ProviderKind;
import io.micrometer.core.instrument.MeterRegistry;

/** Adds the in-process worker to an adapter factory. */
public final class WorkerAdapters {
    private WorkerAdapters() {
    }

    public static AdapterFactory register(AdapterFactory factory, MeterRegistry registry) {
        return factory.with(ProviderKind.WORKER, deployment -> new InProcessWorkerAdapter(deployment, registry));
    }
}
