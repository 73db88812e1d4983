package dev.streamgate.worker.scheduler;

import java.util.List;

import dev.streamgate.worker.engine.SamplingParams;

/**
 * A sequence to generate.
 *
 * @param id                unique among live requests; {@link Scheduler#cancel} names it
 * @param promptTokens      the prompt, BOS and chat markup included
 * @param maxTokens         tokens to generate at most; generation also ends at the context length
 * @param stop              strings that end generation, excluded from the output; matched on the detokenized
 *                          text, so they are found across token boundaries
 * @param ignoreEos         keep generating after an EOS token (benchmarks)
 * @param skipSpecialTokens emit no text for special tokens
 * @param priority          lower runs first; requests of equal priority run in arrival order
 */
public record GenerationRequest(long id, int[] promptTokens, SamplingParams sampling, int maxTokens,
                                List<String> stop, boolean ignoreEos, boolean skipSpecialTokens, int priority,
                                SequenceSink sink) {
    public GenerationRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
        if (sampling == null || sink == null) {
            throw new IllegalArgumentException("sampling and sink are required");
        }
        promptTokens = promptTokens.clone();
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** A greedy request with defaults, for tests and warm-up. */
    public static GenerationRequest greedy(long id, int[] promptTokens, int maxTokens, SequenceSink sink) {
        return new GenerationRequest(id, promptTokens, SamplingParams.GREEDY, maxTokens, List.of(), false, true, 0,
                sink);
    }
}
