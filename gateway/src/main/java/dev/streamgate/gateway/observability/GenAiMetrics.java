package dev.streamgate.gateway.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    // Looked up per token and per request: cached per model rather than rebuilt and registered on every call.
    // Models are the router's aliases (unknown ones are refused before metering), so the map stays small.
    private final Map<String, ModelMeters> byModel = new ConcurrentHashMap<>();

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
        meters(model).duration(outcome, streaming).record(duration);
    }

    public void timeToFirstToken(String model, Duration ttft) {
        meters(model).timeToFirstToken.record(ttft);
    }

    /** Once per successful request: its time after the first token over its tokens after the first. */
    public void timePerOutputToken(String model, Duration perToken) {
        meters(model).timePerOutputToken.record(perToken);
    }

    public void tokens(String model, int prompt, int completion) {
        ModelMeters meters = meters(model);
        meters.inputTokens.record(prompt);
        meters.outputTokens.record(completion);
    }

    public void cost(String model, double amount) {
        meters(model).cost.increment(amount);
    }

    private ModelMeters meters(String model) {
        ModelMeters meters = byModel.get(model);
        return meters != null ? meters : byModel.computeIfAbsent(model, m -> new ModelMeters(registry, m));
    }

    /**
     * One model's meters, registered once: building and registering a meter runs the registry's meter filters and
     * sorts its tags, which cost more than recording, and was done several times per request.
     */
    private static final class ModelMeters {
        private final MeterRegistry registry;
        private final String model;
        private final Timer timeToFirstToken;
        private final Timer timePerOutputToken;
        private final DistributionSummary inputTokens;
        private final DistributionSummary outputTokens;
        private final Counter cost;
        /** By outcome, then streaming or not; outcomes are the few usage statuses. */
        private final Map<String, AtomicReferenceArray<Timer>> durations = new ConcurrentHashMap<>();

        ModelMeters(MeterRegistry registry, String model) {
            this.registry = registry;
            this.model = model;
            this.timeToFirstToken = Timer.builder("gen_ai.server.time_to_first_token")
                    .description("Time from request arrival to the first token sent to the client")
                    .tag("gen_ai.request.model", model)
                    .publishPercentileHistogram()
                    .register(registry);
            // OpenTelemetry's definition: per successful request, the time after its first token over the tokens
            // after the first (it was a value per pair of chunks: a clock read and a histogram update per token)
            this.timePerOutputToken = Timer.builder("gen_ai.server.time_per_output_token")
                    .description("Time per output token after the first, per successful request")
                    .tag("gen_ai.request.model", model)
                    .publishPercentileHistogram()
                    .register(registry);
            this.inputTokens = tokenSummary(registry, model, "input");
            this.outputTokens = tokenSummary(registry, model, "output");
            this.cost = Counter.builder("streamgate.cost").description("Billed cost, in the price list's currency")
                    .tag("gen_ai.request.model", model).register(registry);
        }

        Timer duration(String outcome, boolean streaming) {
            AtomicReferenceArray<Timer> pair = durations.computeIfAbsent(outcome, o -> new AtomicReferenceArray<>(2));
            int index = streaming ? 1 : 0;
            Timer timer = pair.get(index);
            if (timer == null) {
                // a race registers the same meter twice, which the registry answers with the one instance
                timer = Timer.builder("gen_ai.server.request.duration")
                        .description("Time from request arrival to the end of the response")
                        .tag("gen_ai.request.model", model)
                        .tag("outcome", outcome)
                        .tag("stream", Boolean.toString(streaming))
                        .publishPercentileHistogram()
                        .register(registry);
                pair.set(index, timer);
            }
            return timer;
        }

        private static DistributionSummary tokenSummary(MeterRegistry registry, String model, String type) {
            // No base unit: OpenTelemetry's unit is "{token}", an annotation that Prometheus exporters drop.
            return DistributionSummary.builder("gen_ai.client.token.usage")
                    .description("Tokens used per request")
                    .tag("gen_ai.request.model", model)
                    .tag("gen_ai.token.type", type)
                    .register(registry);
        }
    }
}
