package dev.streamgate.bench.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The bench's prompts: the first 8 to 48 words of one text, so that prefill lengths are mixed but fixed. */
final class BenchPrompts {
    private static final String[] WORDS = ("The gateway streams tokens to every tenant and meters each request "
            + "exactly once. A request retries the prompt again when the upstream fails before the first token, and "
            + "falls back to another deployment when a circuit opens. The worker batches many sequences in one step, "
            + "preempts the newest one when its memory runs out and recomputes it later, so that no request waits "
            + "for the longest one to finish. Rate limits keep each tenant within its plan.").split(" ");

    private BenchPrompts() {
    }

    static List<String> mixed(int count) {
        List<String> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 8 + (i * 13) % 41;
            prompts.add(String.join(" ", Arrays.copyOf(WORDS, Math.min(words, WORDS.length))));
        }
        return prompts;
    }
}
