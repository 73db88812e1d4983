package dev.streamgate.adapters;

import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import dev.streamgate.adapters.echo.EchoAdapter;
import dev.streamgate.adapters.openai.OpenAiCompatibleAdapter;
import dev.streamgate.adapters.spi.AdapterProvider;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.ProviderKind;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Creates the adapter a deployment's {@link ProviderKind} calls for. Immutable: {@link #with} returns a copy with
 * one more (or a replaced) provider, which is how the worker adapter and test doubles plug in.
 *
 * <pre>{@code
 * AdapterFactory factory = AdapterFactory.standard(clock, Schedulers.parallel())
 *         .with(kind, deployment -> new MyAdapter(deployment, ...));   // e.g. the GPU worker's kind
 * }</pre>
 */
public final class AdapterFactory {
    private final Map<ProviderKind, AdapterProvider> providers;

    private AdapterFactory(Map<ProviderKind, AdapterProvider> providers) {
        this.providers = providers;
    }

    /** No provider at all; add them with {@link #with}. */
    public static AdapterFactory empty() {
        return new AdapterFactory(Collections.emptyMap());
    }

    /** OpenAI-compatible upstreams and the echo model, on the system clock and Reactor's parallel scheduler. */
    public static AdapterFactory standard() {
        return standard(Clock.systemUTC(), Schedulers.parallel());
    }

    /**
     * OpenAI-compatible upstreams and the echo model.
     *
     * @param clock     reads {@code Retry-After} dates
     * @param scheduler runs upstream timeouts and the echo model's token delays
     */
    public static AdapterFactory standard(Clock clock, Scheduler scheduler) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(scheduler, "scheduler");
        return empty()
                .with(ProviderKind.OPENAI, deployment -> new OpenAiCompatibleAdapter(deployment, clock, scheduler))
                .with(ProviderKind.ECHO, deployment -> new EchoAdapter(deployment, scheduler));
    }

    public AdapterFactory with(ProviderKind kind, AdapterProvider provider) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(provider, "provider");
        Map<ProviderKind, AdapterProvider> copy = new EnumMap<>(ProviderKind.class);
        copy.putAll(providers);
        copy.put(kind, provider);
        return new AdapterFactory(Collections.unmodifiableMap(copy));
    }

    public boolean supports(ProviderKind kind) {
        return providers.containsKey(kind);
    }

    /** @throws ConfigException when no provider is registered for the deployment's kind, or it rejects it */
    public InferenceAdapter create(DeploymentConfig deployment) {
        Objects.requireNonNull(deployment, "deployment");
        AdapterProvider provider = providers.get(deployment.provider());
        if (provider == null) {
            throw new ConfigException("deployment.provider " + deployment.provider() + " of " + deployment.id()
                    + " has no adapter in this gateway");
        }
        InferenceAdapter adapter = Objects.requireNonNull(provider.create(deployment),
                () -> "provider for " + deployment.provider() + " returned no adapter");
        if (!deployment.id().equals(adapter.deploymentId())) {
            adapter.close();
            throw new IllegalStateException("provider for " + deployment.provider() + " built an adapter for "
                    + adapter.deploymentId() + " when asked for " + deployment.id());
        }
        return adapter;
    }
}
