package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamgate.worker.engine.NativeEngine.LogitsMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native sampling checked against the model's own logits: seeds, top-k, top-p, min-p, temperature, penalties
 * and logprobs. Many draws run as one batch of copies of the same prompt, each with its own seed and block.
 */
class NativeSamplingTest {

    private static final String FIXTURE = "llama-gqa-f32";
    private static NativeEngine engine;
    private static int[] prompt;
    private static float[] logits;

    @BeforeAll
    static void load() {
        engine = NativeEngine.load(Fixtures.folder(FIXTURE), Fixtures.cpu().withKvBlockSize(16).withKvBlocks(512));
        prompt = Fixtures.prompts(FIXTURE).get(1).inputIds(); // 9 tokens: one block per copy
        logits = engine.stepWithLogits(List.of(entry(0, SamplingParams.GREEDY, new int[0])), LogitsMode.LAST).logits()[0];
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static BatchEntry entry(int block, SamplingParams sampling, int[] history) {
        return new BatchEntry(block, prompt, 0, new int[] {block}, true, sampling, history);
    }

    private static SamplingParams params(float temperature, int topK, float topP, float minP, long seed) {
        return new SamplingParams(temperature, topK, topP, minP, 1f, 0f, 0f, seed, 0);
    }

    /** One draw per seed 0..n-1, all in one step. */
    private static int[] draws(int n, java.util.function.LongFunction<SamplingParams> sampling) {
        List<BatchEntry> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(entry(i, sampling.apply(i), new int[0]));
        return engine.step(batch).stream().mapToInt(StepOutput::token).toArray();
    }

    private static double[] probabilities(float temperature) {
        double max = logits[Fixtures.argmax(logits)], sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    private static Integer[] byProbability() {
        return IntStream.range(0, logits.length).boxed().sorted((a, b) -> Float.compare(logits[b], logits[a])).toArray(Integer[]::new);
    }

    @Test
    void seededDrawsAreReproducibleWhateverTheBatchAround() {
        int[] first = draws(50, seed -> params(1f, 0, 1f, 0f, seed));
        int[] again = draws(50, seed -> params(1f, 0, 1f, 0f, seed));
        assertThat(again).containsExactly(first);
        assertThat(Arrays.stream(first).distinct().count()).as("different seeds draw different tokens").isGreaterThan(5);
        // Seed 17 alone, in a batch of one, draws what it drew among fifty.
        int alone = engine.step(List.of(entry(3, params(1f, 0, 1f, 0f, 17), new int[0]))).get(0).token();
        assertThat(alone).isEqualTo(first[17]);
    }

    @Test
    void aSequenceRecomputedAfterPreemptionDrawsTheSameTokens() {
        SamplingParams sampling = params(0.9f, 0, 1f, 0f, 42);
        PagedSequence original = new PagedSequence(1, prompt, new int[] {100, 101});
        int[] generated = generate(original, sampling, 12);
        // Preempted after six tokens: the scheduler re-prefills prompt + those six into other blocks and goes on.
        PagedSequence recomputed = new PagedSequence(1, prompt, new int[] {200, 201});
        for (int i = 0; i < 6; i++) recomputed.append(generated[i]);
        int[] resumed = generate(recomputed, sampling, 6);
        assertThat(resumed).containsExactly(Arrays.copyOfRange(generated, 6, 12));
    }

    private static int[] generate(PagedSequence s, SamplingParams sampling, int n) {
        int start = s.tokens.size();
        for (int i = 0; i < n; i++) {
            BatchEntry e = s.rest(sampling);
            int token = engine.step(List.of(e)).get(0).token();
            s.advance(e);
            s.append(token);
        }
        return s.generatedAfter(start);
    }

    @Test
    void topKOfOneIsGreedy() {
        int greedy = Fixtures.argmax(logits);
        assertThat(draws(40, seed -> params(1.5f, 1, 1f, 0f, seed))).containsOnly(greedy);
        assertThat(draws(1, seed -> SamplingParams.GREEDY)).containsExactly(greedy);
    }

    @Test
    void topKDrawsOnlyAmongTheKMostLikely() {
        Integer[] order = byProbability();
        int[] tokens = draws(100, seed -> params(3f, 3, 1f, 0f, seed));
        assertThat(tokens).containsOnly(order[0], order[1], order[2]);
        assertThat(Arrays.stream(tokens).distinct().count()).isEqualTo(3);
    }

    @Test
    void topPDrawsOnlyFromTheSmallestNucleus() {
        double[] p = probabilities(1f);
        Integer[] order = byProbability();
        Set<Integer> nucleus = new HashSet<>();
        double mass = 0;
        for (Integer t : order) {
            nucleus.add(t);
            mass += p[t];
            if (mass >= 0.6) break;
        }
        assertThat(nucleus.size()).as("a nucleus worth testing").isGreaterThan(2);
        int[] tokens = draws(150, seed -> params(1f, 0, 0.6f, 0f, seed));
        assertThat(Arrays.stream(tokens).boxed().toList()).allMatch(nucleus::contains);
        assertThat(Arrays.stream(tokens).distinct().count()).isGreaterThan(2);
    }

    @Test
    void minPDropsTokensLessLikelyThanAShareOfTheBest() {
        double[] p = probabilities(1f);
        double best = p[Fixtures.argmax(logits)];
        int[] tokens = draws(150, seed -> params(1f, 0, 1f, 0.25f, seed));
        assertThat(Arrays.stream(tokens).boxed().toList()).allMatch(t -> p[t] >= 0.25 * best);
        assertThat(Arrays.stream(tokens).distinct().count()).isGreaterThan(1);
    }

    @Test
    void temperatureDrawsFollowTheSoftmax() {
        double[] p = probabilities(1f);
        int top = Fixtures.argmax(logits), n = 400;
        int[] tokens = draws(n, seed -> params(1f, 0, 1f, 0f, seed));
        long hits = Arrays.stream(tokens).filter(t -> t == top).count();
        double sigma = Math.sqrt(n * p[top] * (1 - p[top]));
        assertThat((double) hits).isBetween(n * p[top] - 4 * sigma, n * p[top] + 4 * sigma);
        // A sharper temperature concentrates the draws on the top token.
        long sharp = Arrays.stream(draws(n, seed -> params(0.2f, 0, 1f, 0f, seed))).filter(t -> t == top).count();
        assertThat(sharp).isGreaterThan(hits);
    }

    @Test
    void penaltiesChangeTheLogitsAsDefined() {
        Integer[] order = byProbability();
        // The two favourites appear in the history (the first twice) along with an unlikely token.
        int[] history = {order[0], order[5], order[0], order[1], 7};
        float[][] settings = {{1.3f, 0f, 0f}, {1f, 0.8f, 0f}, {1f, 0f, 0.6f}, {1.2f, 0.5f, 0.4f}, {1f, 100f, 0f}, {0.7f, 0f, 0f}};
        Set<Integer> chosen = new HashSet<>();
        for (float[] s : settings) {
            SamplingParams sampling = new SamplingParams(0f, 0, 1f, 0f, s[0], s[1], s[2], 0L, 0);
            int token = engine.step(List.of(entry(9, sampling, history))).get(0).token();
            assertThat(token).as("repetition %s presence %s frequency %s", s[0], s[1], s[2]).isEqualTo(penalisedArgmax(history, s));
            chosen.add(token);
        }
        assertThat(chosen).as("the penalties moved the choice away from the favourite").contains(order[0]).hasSizeGreaterThan(1);
    }

    // The definition: each distinct history token once, repetition first (divide positive logits, multiply
    // negative ones), then minus frequency * count and presence.
    private static int penalisedArgmax(int[] history, float[] s) {
        float[] w = logits.clone();
        int[] counts = new int[w.length];
        for (int t : history) counts[t]++;
        for (int t = 0; t < w.length; t++) {
            if (counts[t] == 0) continue;
            w[t] = w[t] > 0 ? w[t] / s[0] : w[t] * s[0];
            w[t] -= s[2] * counts[t] + s[1];
        }
        return Fixtures.argmax(w);
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheModelLogits() {
        double max = logits[Fixtures.argmax(logits)], sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double logNorm = max + Math.log(sum);
        Integer[] order = byProbability();
        SamplingParams sampling = new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, 5L, 5);
        StepOutput out = engine.step(List.of(entry(11, sampling, new int[0]))).get(0);
        assertThat((double) out.logprob()).isCloseTo(logits[out.token()] - logNorm, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(out.topTokens()).containsExactly(order[0], order[1], order[2], order[3], order[4]);
        for (int j = 0; j < 5; j++)
            assertThat((double) out.topLogprobs()[j]).isCloseTo(logits[order[j]] - logNorm, org.assertj.core.data.Offset.offset(1e-4));

        StepOutput none = engine.step(List.of(entry(12, SamplingParams.GREEDY, new int[0]))).get(0);
        assertThat(none.logprob()).isNaN();
        assertThat(none.topTokens()).isEmpty();
        assertThat(none.topLogprobs()).isEmpty();
    }
}
