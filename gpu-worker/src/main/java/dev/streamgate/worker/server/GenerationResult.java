package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.worker.GenerationEvent;

/**
 * A whole generation gathered for a non-streaming response.
 *
 * @param finished    null when the generation failed ({@code failure} says why)
 * @param textOffsets where each logprob's token starts in {@code text}
 */
record GenerationResult(String text, List<GenerationEvent.TokenLogprob> logprobs, List<Integer> textOffsets,
                        GenerationEvent.Finished finished, String failure) {

    static GenerationResult of(List<GenerationEvent> events) {
        StringBuilder text = new StringBuilder();
        List<GenerationEvent.TokenLogprob> logprobs = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        GenerationEvent.Finished finished = null;
        String failure = null;
        for (GenerationEvent event : events) {
            switch (event) {
                case GenerationEvent.Token token -> {
                    if (token.logprob() != null) {
                        logprobs.add(token.logprob());
                        offsets.add(text.length());
                    }
                    text.append(token.text());
                }
                case GenerationEvent.Finished f -> finished = f;
                case GenerationEvent.Failed f -> failure = f.message();
            }
        }
        if (finished == null && failure == null) {
            failure = "generation ended without a result";
        }
        return new GenerationResult(text.toString(), logprobs, offsets, finished, failure);
    }
}
