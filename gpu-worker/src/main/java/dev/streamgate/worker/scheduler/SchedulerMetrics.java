package dev.streamgate.worker.scheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The scheduler's meters. Time to first token and time per output token use OpenTelemetry's GenAI semantic
 * convention names; tokens per second is the rate of {@code streamgate.worker.tokens.generated}. Gauges read values
 * the scheduler thread publishes after each step, so a scrape never touches its data structures.
 */
public final class SchedulerMetrics {
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger kvBlocksUsed = new AtomicInteger();
    private final MeterRegistry registry;
    private final Tags tags;
    private final DistributionSummary batchTokens;
    private final DistributionSummary batchSequences;
    private final Timer stepTime;
    private final Counter preemptions;
    private final Counter generatedTokens;
    private final Counter promptTokens;
    private final Timer timeToFirstToken;
    private final Timer timePerOutputToken;

    public SchedulerMetrics(MeterRegistry registry, Tags tags, int kvBlocksTotal) {
        this.registry = registry;
        this.tags = tags;
        Gauge.builder("streamgate.worker.requests.running", running, AtomicInteger::get).tags(tags)
                .description("Sequences holding KV blocks").register(registry);
        Gauge.builder("streamgate.worker.requests.waiting", waiting, AtomicInteger::get).tags(tags)
                .description("Sequences queued for admission, preempted ones included").register(registry);
        Gauge.builder("streamgate.worker.kv.blocks.used", kvBlocksUsed, AtomicInteger::get).tags(tags)
                .description("KV cache blocks held by sequences").register(registry);
        Gauge.builder("streamgate.worker.kv.blocks.total", () -> kvBlocksTotal).tags(tags)
                .description("KV cache blocks in the pool").register(registry);
        batchTokens = DistributionSummary.builder("streamgate.worker.batch.tokens").tags(tags)
                .description("Tokens fed to the engine per step").register(registry);
        batchSequences = DistributionSummary.builder("streamgate.worker.batch.sequences").tags(tags)
                .description("Sequences per step").register(registry);
        stepTime = Timer.builder("streamgate.worker.step.duration").tags(tags)
                .description("Time of one engine step").register(registry);
        preemptions = Counter.builder("streamgate.worker.preemptions").tags(tags)
                .description("Sequences preempted (KV freed, recomputed later)").register(registry);
        generatedTokens = Counter.builder("streamgate.worker.tokens.generated").tags(tags)
                .description("Output tokens sampled").register(registry);
        promptTokens = Counter.builder("streamgate.worker.tokens.prompt").tags(tags)
                .description("Prompt tokens of admitted requests").register(registry);
        timeToFirstToken = Timer.builder("gen_ai.server.time_to_first_token").tags(tags)
                .description("Time from arrival to the first output token").register(registry);
        timePerOutputToken = Timer.builder("gen_ai.server.time_per_output_token").tags(tags)
                .description("Time per output token after the first").register(registry);
    }

    /** Meters into a private registry, for tests that do not look at them. */
    public static SchedulerMetrics unregistered(int kvBlocksTotal) {
        return new SchedulerMetrics(new SimpleMeterRegistry(), Tags.empty(), kvBlocksTotal);
    }

    void gauges(int runningCount, int waitingCount, int blocksUsed) {
        running.set(runningCount);
        waiting.set(waitingCount);
        kvBlocksUsed.set(blocksUsed);
    }

    void step(int tokens, int sequences, Duration took) {
        batchTokens.record(tokens);
        batchSequences.record(sequences);
        stepTime.record(took);
    }

    void preempted() {
        preemptions.increment();
    }

    void arrived(int prompt) {
        promptTokens.increment(prompt);
    }

    void sampled(int tokens) {
        generatedTokens.increment(tokens);
    }

    void firstToken(Duration sinceArrival) {
        timeToFirstToken.record(sinceArrival);
    }

    /** A sequence ended; {@code reason} is a finish reason's wire name, {@code cancelled} or {@code error}. */
    void finished(String reason, int generated, Duration firstToLast, Duration sinceArrival) {
        if (generated > 1) {
            timePerOutputToken.record(firstToLast.dividedBy(generated - 1));
        }
        Timer.builder("gen_ai.server.request.duration").tags(tags).tag("finish_reason", reason)
                .description("Time from arrival to the end of generation").register(registry).record(sinceArrival);
    }
}
