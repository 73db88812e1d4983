package dev.streamgate.worker.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.Usage;
import dev.streamgate.worker.engine.BatchEntry;
import dev.streamgate.worker.engine.InferenceEngine;
import dev.streamgate.worker.engine.StepOutput;
import dev.streamgate.worker.tokenizer.TokenVocabulary;

/**
 * Iteration-level scheduling in the manner of vLLM v1. Each {@link #step}:
 * <ol>
 * <li>gives running sequences their next tokens, decodes before unfinished prefills, within
 *     {@code maxBatchedTokens}; a prefill that does not fit is chunked over several steps;</li>
 * <li>when a sequence needs a KV block and none is free, preempts the newest running sequence not yet in this
 *     step (lowest priority first), by recompute: its blocks are freed and its tokens so far become a prompt that
 *     is prefilled again when it is readmitted, which for greedy or seeded sampling yields the same tokens;</li>
 * <li>if nothing was preempted, admits waiting sequences in order (priority, then arrival) while KV blocks and
 *     {@code maxNumSeqs} allow; the head of the queue is never skipped, so a long prompt is not starved by short
 *     ones behind it;</li>
 * <li>runs the engine once over the flat batch, appends sampled tokens, detokenizes, applies stop rules (EOS ids,
 *     stop strings, {@code max_tokens}, context length) and emits one {@link TokenEvent} per sampled sequence.</li>
 * </ol>
 * Not thread-safe: the {@link SchedulerLoop} thread owns it and the engine.
 */
public final class Scheduler {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int[] NO_TOKENS = new int[0];
    private static final float[] NO_LOGPROBS = new float[0];
    /**
     * What a client is told when the engine fails: the exception (which may name files, devices or native state)
     * goes to the log with the request ids, never into a response.
     */
    static final String ENGINE_FAILED = "The inference engine failed while generating this response.";

    private final InferenceEngine engine;
    private final KvBlockPool pool;
    private final SchedulerConfig config;
    private final TokenVocabulary vocabulary;
    private final Set<Integer> eosTokenIds;
    private final int contextLength;
    private final SchedulerMetrics metrics;
    private final Clock clock;

    private final TreeSet<Sequence> waiting = new TreeSet<>(Sequence.ORDER);
    private final List<Sequence> running = new ArrayList<>();
    private final Map<Long, Sequence> live = new HashMap<>();
    private long arrivals;
    private long steps;
    private long preemptions;
    private long cancellations;

    public Scheduler(InferenceEngine engine, SchedulerConfig config, TokenVocabulary vocabulary,
                     Set<Integer> eosTokenIds, SchedulerMetrics metrics, Clock clock) {
        this.engine = engine;
        this.config = config;
        this.vocabulary = vocabulary;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
        this.metrics = metrics;
        this.clock = clock;
        var info = engine.info();
        this.pool = new KvBlockPool(info.kvBlocks(), info.kvBlockSize());
        this.contextLength = contextLength(info.contextLength(), pool);
    }

    /** The longest sequence the worker can hold: the model's context, or the whole KV pool if that is smaller. */
    public static int contextLength(int modelContext, KvBlockPool pool) {
        return Math.min(modelContext, pool.capacityTokens());
    }

    public int contextLength() {
        return contextLength;
    }

    /** Queues a request. Its prompt must leave room for at least one generated token. */
    public void add(GenerationRequest request) {
        if (live.containsKey(request.id())) {
            throw new IllegalArgumentException("request " + request.id() + " is already live");
        }
        if (request.promptTokens().length >= contextLength) {
            throw new IllegalArgumentException("prompt of " + request.promptTokens().length
                    + " tokens leaves no room in a context of " + contextLength);
        }
        Sequence sequence = new Sequence(request, arrivals++, clock.instant(), vocabulary);
        live.put(request.id(), sequence);
        waiting.add(sequence);
        metrics.arrived(sequence.promptLength);
        publishGauges();
    }

    /** Drops a request (its caller went away): its KV blocks are free before the next step. No sink call follows. */
    public boolean cancel(long requestId) {
        Sequence sequence = live.remove(requestId);
        if (sequence == null) {
            return false;
        }
        waiting.remove(sequence);
        running.remove(sequence);
        pool.release(requestId);
        cancellations++;
        metrics.finished("cancelled", sequence.generated, between(sequence.firstTokenAt, sequence.lastTokenAt),
                Duration.between(sequence.arrivedAt, clock.instant()));
        publishGauges();
        return true;
    }

    public boolean hasWork() {
        return !live.isEmpty();
    }

    /** Ends every live sequence with an error (the worker is stopping). */
    public void abortAll(String message) {
        for (Sequence sequence : List.copyOf(live.values())) {
            drop(sequence);
            notifyError(sequence, message);
        }
        publishGauges();
    }

    public SchedulerState state() {
        return new SchedulerState(running.size(), waiting.size(), pool.usedBlocks(), pool.totalBlocks(), steps,
                preemptions, cancellations);
    }

    /** Runs one iteration. Returns false when there was nothing to run. */
    public boolean step() {
        List<Scheduled> plan = schedule();
        if (plan.isEmpty()) {
            publishGauges();
            return false;
        }
        List<BatchEntry> batch = new ArrayList<>(plan.size());
        int batchTokens = 0;
        for (Scheduled s : plan) {
            batch.add(entry(s));
            batchTokens += s.count;
        }
        Instant started = clock.instant();
        List<StepOutput> outputs;
        try {
            outputs = engine.step(batch);
        } catch (RuntimeException e) {
            log.error("engine step failed; failing the sequences of the batch, requests {}",
                    plan.stream().map(s -> s.sequence.id()).toList(), e);
            for (Scheduled s : plan) {
                drop(s.sequence);
                notifyError(s.sequence, ENGINE_FAILED);
            }
            publishGauges();
            return true;
        }
        steps++;
        metrics.step(batchTokens, plan.size(), Duration.between(started, clock.instant()));
        apply(plan, outputs);
        publishGauges();
        return true;
    }

    private List<Scheduled> schedule() {
        List<Scheduled> plan = new ArrayList<>();
        Set<Sequence> inPlan = Collections.newSetFromMap(new IdentityHashMap<>());
        int budget = config.maxBatchedTokens();
        boolean preempted = false;

        List<Sequence> order = new ArrayList<>(running);
        order.sort(Comparator.comparing((Sequence s) -> !s.decoding()).thenComparing(Sequence.ORDER));
        for (Sequence sequence : order) {
            if (budget == 0) {
                break;
            }
            if (sequence.state != Sequence.State.RUNNING) {
                continue;
            }
            int count = Math.min(sequence.remaining(), budget);
            boolean fits = true;
            while (!pool.ensureCapacity(sequence.id(), sequence.computed + count)) {
                Sequence victim = newestNotIn(inPlan);
                preempt(victim);
                preempted = true;
                if (victim == sequence) {
                    fits = false;
                    break;
                }
            }
            if (fits) {
                plan.add(new Scheduled(sequence, count));
                inPlan.add(sequence);
                budget -= count;
            }
        }
        // Admitting while memory is short would only preempt again in the next step (vLLM v1 does the same).
        while (!preempted && budget > 0 && running.size() < config.maxNumSeqs() && !waiting.isEmpty()) {
            Sequence sequence = waiting.first();
            int count = Math.min(sequence.remaining(), budget);
            if (!pool.ensureCapacity(sequence.id(), sequence.computed + count)) {
                break;
            }
            waiting.pollFirst();
            sequence.state = Sequence.State.RUNNING;
            running.add(sequence);
            plan.add(new Scheduled(sequence, count));
            budget -= count;
        }
        return plan;
    }

    private Sequence newestNotIn(Set<Sequence> inPlan) {
        Sequence newest = null;
        for (Sequence candidate : running) {
            if (!inPlan.contains(candidate) && (newest == null || Sequence.ORDER.compare(candidate, newest) > 0)) {
                newest = candidate;
            }
        }
        return newest;
    }

    private void preempt(Sequence sequence) {
        pool.release(sequence.id());
        running.remove(sequence);
        sequence.preempt();
        waiting.add(sequence);
        preemptions++;
        metrics.preempted();
        log.debug("preempted request {} at {} tokens", sequence.id(), sequence.length);
    }

    private BatchEntry entry(Scheduled s) {
        Sequence sequence = s.sequence;
        int from = sequence.computed;
        boolean sample = from + s.count == sequence.length;
        int[] history = sample && sequence.request.sampling().usesPenalties()
                ? Arrays.copyOf(sequence.tokens, sequence.length)
                : NO_TOKENS;
        return new BatchEntry(sequence.id(), Arrays.copyOfRange(sequence.tokens, from, from + s.count), from,
                pool.blockTable(sequence.id()), sample, sequence.request.sampling(), history);
    }

    private void apply(List<Scheduled> plan, List<StepOutput> outputs) {
        int next = 0;
        int sampled = 0;
        for (Scheduled s : plan) {
            Sequence sequence = s.sequence;
            sequence.computed += s.count;
            if (sequence.computed < sequence.length) {
                continue;
            }
            if (next >= outputs.size() || outputs.get(next).sequenceId() != sequence.id()) {
                throw new IllegalStateException("engine returned " + outputs.size()
                        + " outputs out of batch order; expected one for sequence " + sequence.id());
            }
            StepOutput output = outputs.get(next++);
            sampled++;
            accept(sequence, output);
        }
        metrics.sampled(sampled);
    }

    private void accept(Sequence sequence, StepOutput output) {
        Instant now = clock.instant();
        if (sequence.firstTokenAt == null) {
            sequence.firstTokenAt = now;
            metrics.firstToken(Duration.between(sequence.arrivedAt, now));
        }
        sequence.lastTokenAt = now;
        Sequence.Outcome outcome = sequence.accept(output.token(), eosTokenIds, contextLength);
        emit(sequence, new TokenEvent(output.token(), outcome.text(), output.logprob(),
                output.topTokens() == null ? NO_TOKENS : output.topTokens(),
                output.topLogprobs() == null ? NO_LOGPROBS : output.topLogprobs()));
        if (outcome.finish() != null) {
            finish(sequence, outcome.finish());
        }
    }

    private void finish(Sequence sequence, FinishReason reason) {
        drop(sequence);
        metrics.finished(reason.wireName(), sequence.generated, between(sequence.firstTokenAt, sequence.lastTokenAt),
                Duration.between(sequence.arrivedAt, clock.instant()));
        try {
            sequence.request.sink().onFinish(reason, new Usage(sequence.promptLength, sequence.generated, false));
        } catch (RuntimeException e) {
            log.warn("sink of request {} failed on finish", sequence.id(), e);
        }
    }

    private void drop(Sequence sequence) {
        live.remove(sequence.id());
        waiting.remove(sequence);
        running.remove(sequence);
        pool.release(sequence.id());
    }

    private void emit(Sequence sequence, TokenEvent event) {
        try {
            sequence.request.sink().onToken(event);
        } catch (RuntimeException e) {
            log.warn("sink of request {} failed on a token", sequence.id(), e);
        }
    }

    private void notifyError(Sequence sequence, String message) {
        metrics.finished("error", sequence.generated, between(sequence.firstTokenAt, sequence.lastTokenAt),
                Duration.between(sequence.arrivedAt, clock.instant()));
        try {
            sequence.request.sink().onError(message);
        } catch (RuntimeException e) {
            log.warn("sink of request {} failed on error", sequence.id(), e);
        }
    }

    private void publishGauges() {
        metrics.gauges(running.size(), waiting.size(), pool.usedBlocks());
    }

    private static Duration between(Instant first, Instant last) {
        return first == null || last == null ? Duration.ZERO : Duration.between(first, last);
    }

    private record Scheduled(Sequence sequence, int count) {
    }
}
