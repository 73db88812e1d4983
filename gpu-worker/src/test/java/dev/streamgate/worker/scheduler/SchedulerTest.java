package dev.streamgate.worker.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.worker.engine.SamplingParams;
import dev.streamgate.worker.testsupport.FakeEngine;
import dev.streamgate.worker.testsupport.RecordingSink;
import dev.streamgate.worker.tokenizer.TokenVocabulary;

class SchedulerTest {
    private static final int BOS = 0;
    private static final int EOS = 1;
    private static final List<String> PIECES = new ArrayList<>(List.of("<s>", "</s>", "He", "llo", " S", "TO", "P",
            " world", "ST", "AR"));
    private static final int HE = 2;
    private static final int LLO = 3;
    private static final int SPACE_S = 4;
    private static final int TO = 5;
    private static final int P = 6;
    private static final int WORLD = 7;
    private static final int ST = 8;
    private static final int AR = 9;
    private static final int ROCKET_FIRST = 10;
    private static final int VOCAB = 64;
    private static final TokenVocabulary VOCABULARY;

    static {
        List<byte[]> tokens = new ArrayList<>();
        PIECES.forEach(p -> tokens.add(p.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (byte b : "🚀".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            tokens.add(new byte[] {b});
        }
        while (tokens.size() < VOCAB) {
            tokens.add(("t" + tokens.size() + " ").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        VOCABULARY = TokenVocabulary.ofBytes(tokens, Set.of(BOS, EOS));
    }

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void admissionIsLimitedByMaxNumSeqs() {
        FakeEngine engine = engine(64, 4, 64, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 2, 64);
        List<RecordingSink> sinks = addAll(scheduler, 4, i -> prompt(3, i), 5);

        scheduler.step();

        assertThat(engine.steps().getFirst()).extracting(FakeEngine.Entry::sequenceId).containsExactly(0L, 1L);
        assertThat(scheduler.state().running()).isEqualTo(2);
        assertThat(scheduler.state().waiting()).isEqualTo(2);
        runUntilIdle(scheduler);
        assertThat(sinks).allSatisfy(s -> assertThat(s.finish()).isEqualTo(FinishReason.LENGTH));
        assertClean(engine, scheduler);
    }

    @Test
    void admissionIsLimitedByFreeKvBlocks() {
        // 8 blocks of 4 tokens; each 10-token prompt needs 3 blocks, so only two fit at once.
        FakeEngine engine = engine(64, 4, 8, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 8, 64);
        List<RecordingSink> sinks = addAll(scheduler, 4, i -> prompt(10, i), 2);

        scheduler.step();

        assertThat(scheduler.state().running()).isEqualTo(2);
        assertThat(scheduler.state().waiting()).isEqualTo(2);
        assertThat(scheduler.state().kvBlocksUsed()).isEqualTo(6);
        runUntilIdle(scheduler);
        assertThat(sinks).allSatisfy(s -> assertThat(s.tokens()).hasSize(2));
        assertClean(engine, scheduler);
    }

    @Test
    void longPromptsArePrefilledInChunksWithinTheTokenBudgetAndDecodesGoFirst() {
        FakeEngine engine = engine(64, 4, 64, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 4, 8);
        RecordingSink shortSink = add(scheduler, 0, prompt(3, 0), 10);
        scheduler.step();
        RecordingSink longSink = add(scheduler, 1, prompt(20, 1), 2);
        runUntilIdle(scheduler);

        List<List<FakeEngine.Entry>> steps = engine.steps();
        assertThat(steps).allSatisfy(step ->
                assertThat(step.stream().mapToInt(FakeEngine.Entry::count).sum()).isLessThanOrEqualTo(8));
        List<FakeEngine.Entry> longChunks = steps.stream().flatMap(List::stream)
                .filter(e -> e.sequenceId() == 1 && e.position() < 20).toList();
        assertThat(longChunks).extracting(FakeEngine.Entry::position).containsExactly(0, 7, 14);
        assertThat(longChunks).extracting(FakeEngine.Entry::count).containsExactly(7, 7, 6);
        assertThat(longChunks).extracting(FakeEngine.Entry::sample).containsExactly(false, false, true);
        // While the long prompt fills, the decoding sequence is first in every batch.
        assertThat(steps.subList(1, 4)).allSatisfy(step -> {
            assertThat(step.getFirst().sequenceId()).isZero();
            assertThat(step.getFirst().count()).isEqualTo(1);
        });
        assertThat(shortSink.tokens()).hasSize(10);
        assertThat(longSink.tokens()).hasSize(2);
        assertClean(engine, scheduler);
    }

    @Test
    void preemptedSequencesResumeAndProduceTheSameTokens() {
        int requests = 8;
        Map<Integer, List<Integer>> alone = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            FakeEngine engine = engine(64, 4, 64, FakeEngine.hashing(2, VOCAB));
            Scheduler scheduler = scheduler(engine, 8, 16);
            RecordingSink sink = add(scheduler, i, prompt(3 + 2 * i, i), maxTokens(i));
            runUntilIdle(scheduler);
            alone.put(i, sink.tokens());
        }

        // 12 blocks of 4 = 48 tokens for eight sequences that want up to 48 each: they must take turns.
        FakeEngine engine = engine(64, 4, 12, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 8, 16);
        List<RecordingSink> sinks = addAll(scheduler, requests, i -> prompt(3 + 2 * i, i), SchedulerTest::maxTokens);
        runUntilIdle(scheduler);

        assertThat(scheduler.state().preemptions()).isPositive();
        for (int i = 0; i < requests; i++) {
            assertThat(sinks.get(i).tokens()).as("request %d", i).isEqualTo(alone.get(i));
            assertThat(sinks.get(i).usage().promptTokens()).isEqualTo(3 + 2 * i);
        }
        assertClean(engine, scheduler);
    }

    @Test
    void cancellationFreesBlocksBeforeTheNextStep() {
        FakeEngine engine = engine(64, 4, 32, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 2, 64);
        List<RecordingSink> sinks = addAll(scheduler, 3, i -> prompt(9, i), 30);
        for (int i = 0; i < 3; i++) {
            scheduler.step();
        }
        int used = scheduler.state().kvBlocksUsed();
        assertThat(used).isEqualTo(6);

        assertThat(scheduler.cancel(1)).isTrue();
        assertThat(scheduler.state().kvBlocksUsed()).isEqualTo(3);
        assertThat(scheduler.cancel(2)).as("a waiting request").isTrue();
        assertThat(scheduler.state().waiting()).isZero();
        assertThat(scheduler.cancel(2)).isFalse();
        scheduler.step();
        assertThat(engine.steps().getLast()).extracting(FakeEngine.Entry::sequenceId).containsExactly(0L);
        assertThat(scheduler.cancel(0)).isTrue();

        assertThat(scheduler.state().idle()).isTrue();
        assertThat(scheduler.hasWork()).isFalse();
        assertThat(sinks).noneSatisfy(s -> assertThat(s.done()).isTrue());
        assertThat(scheduler.state().cancellations()).isEqualTo(3);
    }

    @Test
    void waitingRequestsRunInArrivalOrderWithinPriority() {
        FakeEngine engine = engine(64, 4, 64, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 1, 64);
        List<Long> admitted = new ArrayList<>();
        for (long id : new long[] {10, 11, 12}) {
            scheduler.add(request(id, prompt(4, (int) id), 2, List.of(), 1, new RecordingSink()));
        }
        scheduler.add(request(13, prompt(4, 13), 2, List.of(), 0, new RecordingSink()));
        runUntilIdle(scheduler);

        for (List<FakeEngine.Entry> step : engine.steps()) {
            long id = step.getFirst().sequenceId();
            if (admitted.isEmpty() || admitted.getLast() != id) {
                admitted.add(id);
            }
        }
        assertThat(admitted).containsExactly(13L, 10L, 11L, 12L);
        assertClean(engine, scheduler);
    }

    @Test
    void aLongPromptAtTheHeadIsNotOvertakenByShortOnes() {
        // 10 blocks of 4. X grows to 9 blocks; L needs 7 and must wait for them; S1..S3 need 1 each and would fit
        // earlier, but FCFS keeps them behind L.
        FakeEngine engine = engine(64, 4, 10, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 8, 64);
        RecordingSink x = add(scheduler, 0, prompt(16, 0), 20);
        scheduler.step();
        RecordingSink longPrompt = add(scheduler, 1, prompt(28, 1), 4);
        List<RecordingSink> shorts = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            shorts.add(add(scheduler, i, prompt(2, i), 2));
        }
        runUntilIdle(scheduler);

        List<Long> firstSeen = new ArrayList<>();
        engine.steps().forEach(step -> step.forEach(e -> {
            if (!firstSeen.contains(e.sequenceId())) {
                firstSeen.add(e.sequenceId());
            }
        }));
        assertThat(firstSeen).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(x.tokens()).hasSize(20);
        assertThat(longPrompt.tokens()).hasSize(4);
        assertThat(shorts).allSatisfy(s -> assertThat(s.tokens()).hasSize(2));
        assertClean(engine, scheduler);
    }

    @Test
    void stopStringSplitAcrossTokensEndsGenerationAndNeverLeaks() {
        int[] prompt = prompt(3, 0);
        FakeEngine engine = engine(64, 4, 16, scripted(prompt.length, HE, LLO, SPACE_S, TO, P, WORLD));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = new RecordingSink();
        scheduler.add(request(0, prompt, 20, List.of("STOP"), 0, sink));
        runUntilIdle(scheduler);

        assertThat(sink.events()).extracting(TokenEvent::text).containsExactly("He", "llo", " ", "", "");
        assertThat(sink.text()).isEqualTo("Hello ");
        assertThat(sink.finish()).isEqualTo(FinishReason.STOP);
        assertThat(sink.usage().completionTokens()).isEqualTo(5);
        assertClean(engine, scheduler);
    }

    @Test
    void heldTextThatTurnsOutNotToBeAStopIsReleased() {
        int[] prompt = prompt(3, 0);
        FakeEngine engine = engine(64, 4, 16, scripted(prompt.length, ST, AR, WORLD, ST));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = new RecordingSink();
        scheduler.add(request(0, prompt, 4, List.of("STOP"), 0, sink));
        runUntilIdle(scheduler);

        assertThat(sink.events()).extracting(TokenEvent::text).containsExactly("", "STAR", " world", "ST");
        assertThat(sink.finish()).isEqualTo(FinishReason.LENGTH);
        assertClean(engine, scheduler);
    }

    @Test
    void eosEndsGenerationWithoutText() {
        int[] prompt = prompt(3, 0);
        FakeEngine engine = engine(64, 4, 16, scripted(prompt.length, HE, LLO, EOS, WORLD));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = new RecordingSink();
        scheduler.add(request(0, prompt, 10, List.of(), 0, sink));
        runUntilIdle(scheduler);

        assertThat(sink.tokens()).containsExactly(HE, LLO, EOS);
        assertThat(sink.text()).isEqualTo("Hello");
        assertThat(sink.finish()).isEqualTo(FinishReason.STOP);
        assertThat(sink.usage().completionTokens()).isEqualTo(3);
        assertClean(engine, scheduler);
    }

    @Test
    void ignoreEosGoesOnToMaxTokens() {
        int[] prompt = prompt(3, 0);
        FakeEngine engine = engine(64, 4, 16, scripted(prompt.length, HE, EOS, LLO, WORLD));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = new RecordingSink();
        scheduler.add(new GenerationRequest(0, prompt, SamplingParams.GREEDY, 4, List.of(), true, true, 0, sink));
        runUntilIdle(scheduler);

        assertThat(sink.tokens()).containsExactly(HE, EOS, LLO, WORLD);
        assertThat(sink.text()).isEqualTo("Hello world");
        assertThat(sink.finish()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void maxTokensEndsWithLength() {
        FakeEngine engine = engine(64, 4, 16, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = add(scheduler, 0, prompt(3, 0), 5);
        runUntilIdle(scheduler);

        assertThat(sink.tokens()).hasSize(5);
        assertThat(sink.finish()).isEqualTo(FinishReason.LENGTH);
        assertThat(sink.usage().completionTokens()).isEqualTo(5);
        assertThat(sink.usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void contextLengthEndsGenerationWithLength() {
        FakeEngine engine = new FakeEngine(FakeEngine.info(VOCAB, 16, 4, 16), FakeEngine.hashing(2, VOCAB),
                Duration.ZERO);
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = add(scheduler, 0, prompt(10, 0), 100);
        runUntilIdle(scheduler);

        assertThat(sink.tokens()).hasSize(6);
        assertThat(sink.finish()).isEqualTo(FinishReason.LENGTH);
        assertClean(engine, scheduler);
    }

    @Test
    void theContextIsCappedByTheKvPool() {
        FakeEngine engine = engine(64, 4, 5, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = scheduler(engine, 4, 64);
        assertThat(scheduler.contextLength()).isEqualTo(20);
        RecordingSink sink = add(scheduler, 0, prompt(12, 0), 100);
        runUntilIdle(scheduler);
        assertThat(sink.tokens()).hasSize(8);
    }

    @Test
    void aCharacterSplitAcrossTokensIsHeldBackAndAnUnfinishedOneEndsAsReplacement() {
        int[] prompt = prompt(3, 0);
        int r = ROCKET_FIRST;
        FakeEngine engine = engine(64, 4, 16, scripted(prompt.length, r, r + 1, r + 2, r + 3, r, r + 1));
        Scheduler scheduler = scheduler(engine, 4, 64);
        RecordingSink sink = add(scheduler, 0, prompt, 6);
        runUntilIdle(scheduler);

        assertThat(sink.events()).extracting(TokenEvent::text).containsExactly("", "", "", "🚀", "", "\uFFFD");
    }

    @Test
    void anEngineFailureFailsTheBatchAndFreesItsBlocks() {
        FakeEngine engine = engine(64, 4, 16, (context, sampling) -> {
            throw new IllegalStateException("device lost reading /opt/models/secret.safetensors");
        });
        Scheduler scheduler = scheduler(engine, 4, 64);
        List<RecordingSink> sinks = addAll(scheduler, 2, i -> prompt(5, i), 3);
        scheduler.step();

        // The exception's text stays in the log: it may name files or devices the client must not see.
        assertThat(sinks).allSatisfy(s -> assertThat(s.error()).isEqualTo(Scheduler.ENGINE_FAILED)
                .doesNotContain("secret"));
        assertThat(scheduler.state().idle()).isTrue();
    }

    @Test
    void metricsFollowTheScheduler() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        FakeEngine engine = engine(64, 4, 12, FakeEngine.hashing(2, VOCAB));
        Scheduler scheduler = new Scheduler(engine, new SchedulerConfig(8, 16), VOCABULARY, Set.of(EOS),
                new SchedulerMetrics(registry, io.micrometer.core.instrument.Tags.of("model", "m"), 12), CLOCK);
        addAll(scheduler, 8, i -> prompt(3 + 2 * i, i), SchedulerTest::maxTokens);
        scheduler.step();
        assertThat(registry.get("streamgate.worker.requests.running").gauge().value()).isPositive();
        assertThat(registry.get("streamgate.worker.kv.blocks.used").gauge().value())
                .isEqualTo(scheduler.state().kvBlocksUsed());
        runUntilIdle(scheduler);

        int generated = IntStream.range(0, 8).map(SchedulerTest::maxTokens).sum();
        assertThat(registry.get("streamgate.worker.preemptions").counter().count())
                .isEqualTo(scheduler.state().preemptions()).isPositive();
        assertThat(registry.get("streamgate.worker.tokens.generated").counter().count()).isEqualTo(generated);
        assertThat(registry.get("gen_ai.server.time_to_first_token").timer().count()).isEqualTo(8);
        assertThat(registry.get("gen_ai.server.time_per_output_token").timer().count()).isEqualTo(8);
        assertThat(registry.get("streamgate.worker.step.duration").timer().count())
                .isEqualTo(scheduler.state().steps());
        assertThat(registry.get("gen_ai.server.request.duration").tag("finish_reason", "length").timer().count())
                .isEqualTo(8);
        assertThat(registry.get("streamgate.worker.kv.blocks.used").gauge().value()).isZero();
        assertThat(registry.get("streamgate.worker.requests.waiting").gauge().value()).isZero();
    }

    // --- helpers

    private static int maxTokens(int i) {
        return 10 + 3 * i;
    }

    private static FakeEngine engine(int contextLength, int blockSize, int blocks, FakeEngine.NextToken model) {
        return new FakeEngine(FakeEngine.info(VOCAB, contextLength, blockSize, blocks), model, Duration.ZERO);
    }

    private static Scheduler scheduler(FakeEngine engine, int maxNumSeqs, int maxBatchedTokens) {
        return new Scheduler(engine, new SchedulerConfig(maxNumSeqs, maxBatchedTokens), VOCABULARY, Set.of(EOS),
                SchedulerMetrics.unregistered(engine.info().kvBlocks()), CLOCK);
    }

    /** A model that answers with the given tokens, whatever the prompt (of the given length) was. */
    private static FakeEngine.NextToken scripted(int promptLength, int... answer) {
        return (context, sampling) -> answer[context.length - promptLength];
    }

    /** A prompt of BOS and {@code length - 1} tokens that depend on {@code seed}. */
    private static int[] prompt(int length, int seed) {
        return IntStream.range(0, length).map(i -> i == 0 ? BOS : 2 + (seed * 7 + i * 13) % (VOCAB - 2)).toArray();
    }

    private static GenerationRequest request(long id, int[] prompt, int maxTokens, List<String> stop, int priority,
                                             RecordingSink sink) {
        return new GenerationRequest(id, prompt, SamplingParams.GREEDY, maxTokens, stop, false, true, priority, sink);
    }

    private static RecordingSink add(Scheduler scheduler, long id, int[] prompt, int maxTokens) {
        RecordingSink sink = new RecordingSink();
        scheduler.add(request(id, prompt, maxTokens, List.of(), 0, sink));
        return sink;
    }

    private static List<RecordingSink> addAll(Scheduler scheduler, int count,
                                              java.util.function.IntFunction<int[]> prompts,
                                              java.util.function.IntUnaryOperator maxTokens) {
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sinks.add(add(scheduler, i, prompts.apply(i), maxTokens.applyAsInt(i)));
        }
        return sinks;
    }

    private static List<RecordingSink> addAll(Scheduler scheduler, int count,
                                              java.util.function.IntFunction<int[]> prompts, int maxTokens) {
        return addAll(scheduler, count, prompts, i -> maxTokens);
    }

    private static void runUntilIdle(Scheduler scheduler) {
        for (int guard = 0; scheduler.hasWork(); guard++) {
            assertThat(guard).as("steps").isLessThan(10_000);
            scheduler.step();
        }
    }

    private static void assertClean(FakeEngine engine, Scheduler scheduler) {
        assertThat(engine.violations()).isEmpty();
        assertThat(scheduler.state().idle()).isTrue();
    }
}
