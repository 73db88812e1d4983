package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamgate.worker.engine.EngineOptions.ComputeBackend;
import dev.streamgate.worker.engine.NativeEngine.LogitsMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against Hugging Face transformers' numbers in every fixture's expected.json: logits within 1e-4
 * (float32 weights, and bf16 weights against the float32-RoPE reference), greedy tokens through the paged KV
 * cache, with and without chunked prefill.
 */
class NativeEngineReferenceTest {

    private static final float TOLERANCE = 1e-4f;

    static Stream<String> fixtures() {
        return Fixtures.ALL.stream();
    }

    static NativeEngine load(String fixture, ComputeBackend backend) {
        return NativeEngine.load(Fixtures.folder(fixture),
                Fixtures.cpu().withBackend(backend).withKvBlockSize(4).withKvBlocks(512));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void lastLogitsOfEveryPromptMatchInOneBatch(String fixture) {
        List<Fixtures.Prompt> prompts = Fixtures.prompts(fixture);
        try (NativeEngine engine = load(fixture, ComputeBackend.CPU)) {
            List<BatchEntry> batch = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                PagedSequence s = new PagedSequence(i, prompts.get(i).inputIds(), PagedSequence.scatteredBlocks(i, 7, 8));
                batch.add(s.rest(SamplingParams.GREEDY));
            }
            LogitsStep step = engine.stepWithLogits(batch, LogitsMode.LAST);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(Fixtures.maxAbsDiff(step.logits()[i], prompts.get(i).lastLogits()))
                        .as("%s prompt %d last logits", fixture, i).isLessThan(TOLERANCE);
                assertThat(step.outputs().get(i).token()).isEqualTo(prompts.get(i).greedyIds()[0]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void logitsAtEveryPositionOfPromptZeroMatch(String fixture) {
        Fixtures.Prompt prompt = Fixtures.prompts(fixture).get(0);
        for (ComputeBackend backend : List.of(ComputeBackend.CPU, ComputeBackend.CPU_SCALAR)) {
            try (NativeEngine engine = load(fixture, backend)) {
                PagedSequence s = new PagedSequence(0, prompt.inputIds(), PagedSequence.scatteredBlocks(3, 5, 8));
                float[][] logits = engine.stepWithLogits(List.of(s.rest(SamplingParams.GREEDY)), LogitsMode.ALL).logits();
                assertThat(logits).hasNumberOfRows(prompt.allLogits().length);
                for (int p = 0; p < logits.length; p++)
                    assertThat(Fixtures.maxAbsDiff(logits[p], prompt.allLogits()[p]))
                            .as("%s on %s, position %d", fixture, engine.info().backend(), p).isLessThan(TOLERANCE);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void greedyTokensThroughThePagedCacheMatch(String fixture) {
        List<Fixtures.Prompt> prompts = Fixtures.prompts(fixture);
        try (NativeEngine engine = load(fixture, ComputeBackend.CPU)) {
            for (int i = 0; i < prompts.size(); i++) {
                Fixtures.Prompt p = prompts.get(i);
                int steps = p.comparableSteps();
                assertThat(steps).as("%s prompt %d has comparable steps", fixture, i).isPositive();
                PagedSequence s = new PagedSequence(i, p.inputIds(), PagedSequence.scatteredBlocks(100 + i, 11, 16));
                int[] generated = PagedSequence.greedy(engine, s, steps);
                assertThat(generated).as("%s prompt %d", fixture, i).containsExactly(Arrays.copyOf(p.greedyIds(), steps));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void chunkedPrefillAtOddBoundariesGivesTheSameLogitsAndTokens(String fixture) {
        List<Fixtures.Prompt> prompts = Fixtures.prompts(fixture);
        Fixtures.Prompt p = prompts.get(prompts.size() - 1); // the longest prompts are last
        try (NativeEngine engine = load(fixture, ComputeBackend.CPU)) {
            // Chunks of 3, 5, 1 and 6 tokens cross the 4-token block boundaries at different offsets.
            PagedSequence s = new PagedSequence(7, p.inputIds(), PagedSequence.scatteredBlocks(2, 9, 16));
            for (int c : new int[] {3, 5, 1, 6}) {
                BatchEntry e = s.chunk(c, SamplingParams.GREEDY);
                assertThat(engine.step(List.of(e))).isEmpty();
                s.advance(e);
            }
            BatchEntry last = s.rest(SamplingParams.GREEDY);
            LogitsStep step = engine.stepWithLogits(List.of(last), LogitsMode.LAST);
            s.advance(last);
            assertThat(Fixtures.maxAbsDiff(step.logits()[0], p.lastLogits())).isLessThan(TOLERANCE);
            s.append(step.outputs().get(0).token());
            int steps = p.comparableSteps();
            int[] rest = PagedSequence.greedy(engine, s, steps - 1);
            int[] generated = new int[steps];
            generated[0] = step.outputs().get(0).token();
            System.arraycopy(rest, 0, generated, 1, steps - 1);
            assertThat(generated).containsExactly(Arrays.copyOf(p.greedyIds(), steps));
        }
    }
}
