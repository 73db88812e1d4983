package dev.streamgate.worker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence driven through the paged KV cache the way a scheduler would: its own (deliberately scattered)
 * blocks, prefill in chunks, then one decode token per step. Tests use it to build batch entries.
 */
final class PagedSequence {

    final long id;
    final int[] blockTable;
    final List<Integer> tokens = new ArrayList<>();
    int cached; // positions whose K/V are in the cache

    PagedSequence(long id, int[] prompt, int[] blockTable) {
        this.id = id;
        this.blockTable = blockTable;
        for (int t : prompt) tokens.add(t);
    }

    /** Blocks {@code first, first+stride, ...}: consecutive positions land in non-adjacent blocks. */
    static int[] scatteredBlocks(int first, int stride, int count) {
        int[] table = new int[count];
        for (int i = 0; i < count; i++) table[i] = first + i * stride;
        return table;
    }

    /** The next {@code n} uncached tokens as an entry; samples only when they reach the end. */
    BatchEntry chunk(int n, SamplingParams sampling) {
        int[] chunk = tokens.subList(cached, cached + n).stream().mapToInt(Integer::intValue).toArray();
        boolean last = cached + n == tokens.size();
        BatchEntry e = new BatchEntry(id, chunk, cached, blockTable, last, sampling, history());
        return e;
    }

    BatchEntry rest(SamplingParams sampling) {
        return chunk(tokens.size() - cached, sampling);
    }

    void advance(BatchEntry e) {
        cached += e.tokens().length;
    }

    void append(int token) {
        tokens.add(token);
    }

    int[] history() {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    int[] generatedAfter(int promptLength) {
        return Arrays.copyOfRange(history(), promptLength, tokens.size());
    }

    /** Greedy generation: prefill in the given chunk sizes (the rest in one go), then decode steps. */
    static int[] greedy(InferenceEngine engine, PagedSequence s, int steps, int... chunks) {
        int promptLength = s.tokens.size();
        for (int c : chunks) {
            if (s.cached + c >= promptLength) break;
            BatchEntry e = s.chunk(c, SamplingParams.GREEDY);
            if (!engine.step(List.of(e)).isEmpty()) throw new AssertionError("a non-final chunk must not sample");
            s.advance(e);
        }
        for (int i = 0; i < steps; i++) {
            BatchEntry e = s.rest(SamplingParams.GREEDY);
            List<StepOutput> out = engine.step(List.of(e));
            s.advance(e);
            s.append(out.get(0).token());
        }
        return s.generatedAfter(promptLength);
    }
}
