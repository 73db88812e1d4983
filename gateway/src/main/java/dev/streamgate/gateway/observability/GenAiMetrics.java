package dev.streamgate.gateway.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The serving path's meters. Names follow OpenTelemetry's GenAI semantic conventions where one exists
 * ({@code gen_ai.client.token.usage}, {@code gen_ai.server.request.duration},
 * {@code gen_ai.server.time_to_first_token}, {@code gen_ai.server.time_per_output_token}); Prometheus shows them
 * with underscores. Tags stay low-cardinality: model and outcome, never tenant or key (use {@code /v1/usage}
 * and the usage table for per-tenant numbers).
 */
@Component
public class GenAiMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger openStreams = new AtomicInteger();
    // Looked up per token: cached per model rather than rebuilt and registered on every call. Models are the
    // router's aliases (unknown ones are refused before metering), so the maps stay small.
    private final Map<String, Timer> timeToFirstToken = new ConcurrentHashMap<>();
    private final Map<String, Timer> timeBetweenTokens = new ConcurrentHashMap<>();

    public GenAiMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("streamgate.streams.open", openStreams);
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    public void requestFinished(String model, String outcome, boolean streaming, Duration duration) {
        Timer.builder("gen_ai.server.request.duration")
                .description("Time from request arrival to the end of the response")
                .tag("gen_ai.request.model", model)
                .tag("outcome", outcome)
                .tag("stream", Boolean.toString(streaming))
                .publishPercentileHistogram()
                .register(registry)
                .record(duration);
    }

    public void timeToFirstToken(String model, Duration ttft) {
        timeToFirstToken.computeIfAbsent(model, m -> Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from request arrival to the first token sent to the client")
                        .tag("gen_ai.request.model", m)
                        .publishPercentileHistogram()
                        .register(registry))
                .record(ttft);
    }

    public void timeBetweenTokens(String model, Duration gap) {
        timeBetweenTokens.computeIfAbsent(model, m -> Timer.builder("gen_ai.server.time_per_output_token")
                        .description("Time between two consecutive output chunks of one stream")
                        .tag("gen_ai.request.model", m)
                        .publishPercentileHistogram()
                        .register(registry))
                .record(gap);
    }

    public void tokens(String model, int prompt, int completion) {
        tokenSummary(model, "input").record(prompt);
        tokenSummary(model, "output").record(completion);
    }

    public void cost(String model, double amount) {
        Counter.builder("streamgate.cost").description("Billed cost, in the price list's currency")
                .tag("gen_ai.request.model", model).register(registry).increment(amount);
    }

    private DistributionSummary tokenSummary(String model, String type) {
        // No base unit: OpenTelemetry's unit is "{token}", an annotation that Prometheus exporters drop.
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens used per request")
                .tag("gen_ai.request.model", model)
                .tag("gen_ai.token.type", type)
                .register(registry);
    }
}
