package dev.streamgate.adapters.internal;

import java.util.Locale;

import dev.streamgate.adapters.spi.UpstreamException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The router's meters. Circuit breaker state and calls are published by Resilience4j's own Micrometer binding
 * ({@code resilience4j.circuitbreaker.*}, tag {@code name} = deployment id).
 */
public final class RouterMetrics {
    public static final String UPSTREAM_ERRORS = "streamgate.upstream.errors";
    public static final String RETRIES = "streamgate.upstream.retries";
    public static final String FALLBACKS = "streamgate.upstream.fallbacks";
    /** The {@code kind} tag of an error that ended a stream after its first event. */
    public static final String KIND_MID_STREAM = "mid_stream";

    private final MeterRegistry registry;

    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void upstreamError(String model, String deployment, UpstreamException error) {
        upstreamError(model, deployment, error.kind().name().toLowerCase(Locale.ROOT));
    }

    void upstreamError(String model, String deployment, String kind) {
        Counter.builder(UPSTREAM_ERRORS)
                .description("Failed upstream attempts and streams, by deployment and kind of failure")
                .tags("model", model, "deployment", deployment, "kind", kind)
                .register(registry)
                .increment();
    }

    void retry(String model, String deployment) {
        Counter.builder(RETRIES)
                .description("Attempts repeated on the same deployment before the first token")
                .tags("model", model, "deployment", deployment)
                .register(registry)
                .increment();
    }

    void fallback(String model, String fromDeployment) {
        Counter.builder(FALLBACKS)
                .description("Requests moved on to another deployment after one failed before the first token")
                .tags("model", model, "deployment", fromDeployment)
                .register(registry)
                .increment();
    }
}
