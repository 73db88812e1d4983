package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.NativeEngine.LogitsMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A step mixing sequences, prefill chunks and decode tokens computes each exactly as if it ran alone. */
class NativeEngineBatchTest {

    private static final String FIXTURE = "qwen2-bias-tied-f32";

    private static NativeEngine engine() {
        return NativeEngine.load(Fixtures.folder(FIXTURE), Fixtures.cpu().withKvBlockSize(4).withKvBlocks(256));
    }

    @Test
    void sequencesOfDifferentLengthsInOneStepGiveTheLogitsEachGivesAlone() {
        List<Fixtures.Prompt> prompts = Fixtures.prompts(FIXTURE);
        try (NativeEngine engine = engine()) {
            List<float[]> alone = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                PagedSequence s = new PagedSequence(i, prompts.get(i).inputIds(), PagedSequence.scatteredBlocks(i, 4, 5));
                alone.add(engine.stepWithLogits(List.of(s.rest(SamplingParams.GREEDY)), LogitsMode.LAST).logits()[0]);
            }
            List<BatchEntry> batch = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                PagedSequence s = new PagedSequence(i, prompts.get(i).inputIds(), PagedSequence.scatteredBlocks(100 + i, 4, 5));
                batch.add(s.rest(SamplingParams.GREEDY));
            }
            float[][] together = engine.stepWithLogits(batch, LogitsMode.LAST).logits();
            for (int i = 0; i < prompts.size(); i++)
                assertThat(Fixtures.maxAbsDiff(together[i], alone.get(i))).as("prompt %d", i).isLessThanOrEqualTo(1e-5f);
        }
    }

    @Test
    void decodeTokensAndPrefillChunksOfOtherSequencesShareAStep() {
        List<Fixtures.Prompt> prompts = Fixtures.prompts(FIXTURE);
        Fixtures.Prompt a = prompts.get(2), b = prompts.get(3), c = prompts.get(1);
        try (NativeEngine engine = engine()) {
            // Sequence A is decoding, B sends its first prefill chunk, C its whole prompt, all in one step.
            PagedSequence sa = new PagedSequence(1, a.inputIds(), PagedSequence.scatteredBlocks(0, 3, 10));
            BatchEntry prefillA = sa.rest(SamplingParams.GREEDY);
            int firstA = engine.step(List.of(prefillA)).get(0).token();
            sa.advance(prefillA);
            sa.append(firstA);
            PagedSequence sb = new PagedSequence(2, b.inputIds(), PagedSequence.scatteredBlocks(1, 3, 10));
            PagedSequence sc = new PagedSequence(3, c.inputIds(), PagedSequence.scatteredBlocks(2, 3, 10));
            BatchEntry decodeA = sa.rest(SamplingParams.GREEDY), chunkB = sb.chunk(7, SamplingParams.GREEDY);
            BatchEntry prefillC = sc.rest(SamplingParams.GREEDY);
            LogitsStep mixed = engine.stepWithLogits(List.of(decodeA, chunkB, prefillC), LogitsMode.LAST);
            sb.advance(chunkB);

            assertThat(mixed.outputs()).extracting(StepOutput::sequenceId).containsExactly(1L, 3L);
            assertThat(firstA).isEqualTo(a.greedyIds()[0]);
            assertThat(mixed.outputs().get(0).token()).isEqualTo(a.greedyIds()[1]);
            assertThat(Fixtures.maxAbsDiff(mixed.logits()[2], c.lastLogits())).isLessThan(1e-4f);

            BatchEntry restB = sb.rest(SamplingParams.GREEDY);
            float[] lastB = engine.stepWithLogits(List.of(restB), LogitsMode.LAST).logits()[0];
            assertThat(Fixtures.maxAbsDiff(lastB, b.lastLogits())).isLessThan(1e-4f);
        }
    }

    @Test
    void threadCountChangesNoBit() {
        // Sixteen copies of a 20-token prompt: enough work that matmuls, attention and norms all split across
        // threads, which must not change a single bit of any logit.
        Fixtures.Prompt p = Fixtures.prompts("llama-gqa-f32").get(3);
        float[][][] results = new float[3][][];
        for (int threads = 1; threads <= 3; threads++) {
            EngineOptions options = Fixtures.cpu().withThreads(threads).withKvBlockSize(4).withKvBlocks(128);
            try (NativeEngine engine = NativeEngine.load(Fixtures.folder("llama-gqa-f32"), options)) {
                List<BatchEntry> batch = new ArrayList<>();
                for (int i = 0; i < 16; i++)
                    batch.add(new PagedSequence(i, p.inputIds(), PagedSequence.scatteredBlocks(i, 16, 5)).rest(SamplingParams.GREEDY));
                results[threads - 1] = engine.stepWithLogits(batch, LogitsMode.ALL).logits();
            }
        }
        assertThat(results[1]).isEqualTo(results[0]);
        assertThat(results[2]).isEqualTo(results[0]);
        assertThat(Fixtures.maxAbsDiff(results[0][319], p.lastLogits())).isLessThan(1e-4f);
    }

    @Test
    void bf16KvCacheStaysCloseToTheFloat32Reference() {
        Fixtures.Prompt p = Fixtures.prompts(FIXTURE).get(3);
        EngineOptions options = Fixtures.cpu().withKvBlockSize(4).withKvBlocks(16)
                .withKvDtype(EngineOptions.KvCacheDtype.BF16);
        try (NativeEngine engine = NativeEngine.load(Fixtures.folder(FIXTURE), options)) {
            PagedSequence s = new PagedSequence(1, p.inputIds(), PagedSequence.scatteredBlocks(0, 1, 8));
            float[] logits = engine.stepWithLogits(List.of(s.rest(SamplingParams.GREEDY)), LogitsMode.LAST).logits()[0];
            // K and V rounded to 8 significant bits (<= 2^-9 relative each); the errors mostly cancel in the
            // head_dim-long dot products, so logits move by well under 1e-3 of their scale (here up to ~53).
            float scale = 0;
            for (float l : p.lastLogits()) scale = Math.max(scale, Math.abs(l));
            float diff = Fixtures.maxAbsDiff(logits, p.lastLogits());
            assertThat(diff / scale).isLessThan(1e-3f);
            assertThat(diff).as("the cache really stored bf16").isGreaterThan(1e-5f);
        }
    }

    @Test
    void invalidEntriesAreRejectedWithTheFieldNamed() {
        try (NativeEngine engine = engine()) {
            int[] table = {0, 1};
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {512}, 0, table, true, SamplingParams.GREEDY, new int[0]))))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
                    .hasMessageContaining("batch entry 0: token 512 at index 0 is outside the vocabulary");
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {1, 2, 3}, 7, table, true, SamplingParams.GREEDY, new int[0]))))
                    .hasMessageContaining("block table has 2 blocks");
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {1}, 0, new int[] {256}, true, SamplingParams.GREEDY, new int[0]))))
                    .hasMessageContaining("block id 256 at index 0 is outside the pool");
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {1}, 512, new int[200], true, SamplingParams.GREEDY, new int[0]))))
                    .hasMessageContaining("exceed the context length 512");
            SamplingParams negative = new SamplingParams(-1f, 0, 1f, 0f, 1f, 0f, 0f, 0L, 0);
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {1}, 0, table, true, negative, new int[0]))))
                    .hasMessageContaining("temperature");
            SamplingParams tooManyLogprobs = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 0L, 21);
            assertThatThrownBy(() -> engine.step(List.of(new BatchEntry(1, new int[] {1}, 0, table, true, tooManyLogprobs, new int[0]))))
                    .hasMessageContaining("logprobs must be in [0, 20]");
            // The engine is still usable after rejected steps.
            assertThat(engine.step(List.of(new BatchEntry(1, new int[] {0, 5}, 0, table, true, SamplingParams.GREEDY, new int[0])))).hasSize(1);
        }
    }

    @Test
    void closedEngineRefusesSteps() {
        NativeEngine engine = engine();
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.step(List.of())).isInstanceOf(IllegalStateException.class);
    }
}
