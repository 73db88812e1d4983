package dev.streamgate.bench.worker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;

/**
 * Jlama ({@code com.github.tjake:jlama-core}, a pure-Java engine on the Vector API) on the same checkpoint and
 * prompts: greedy, one request at a time (its {@code generate} runs one sequence), with the working types its
 * README uses (float32 activations, int8-quantized for the matmuls). A checkpoint it cannot load or run is a
 * result too: the exception, as it came.
 */
final class JlamaRun {

    /** Per-request timings, or why Jlama could not serve the checkpoint. */
    record Outcome(List<RequestTiming> timings, String failure) {
    }

    private JlamaRun() {
    }

    static Outcome run(Path folder, List<String> prompts, int maxTokens) {
        AbstractModel model;
        try {
            model = ModelSupport.loadModel(folder.toFile(), DType.F32, DType.I8);
        } catch (Throwable e) {
            return new Outcome(List.of(), "load failed: " + describe(e));
        }
        try {
            generate(model, prompts.getFirst(), 4);
            List<RequestTiming> timings = new ArrayList<>();
            for (String prompt : prompts) {
                timings.add(generate(model, prompt, maxTokens));
            }
            return new Outcome(timings, null);
        } catch (Throwable e) {
            return new Outcome(List.of(), "generation failed: " + describe(e));
        } finally {
            model.close();
        }
    }

    private static RequestTiming generate(AbstractModel model, String prompt, int maxTokens) {
        long[] firstToken = new long[1];
        long start = System.nanoTime();
        PromptContext context = PromptContext.of(prompt);
        // Jlama's limit counts the prompt's tokens too.
        int limit = model.encodePrompt(context).length + maxTokens;
        Generator.Response response = model.generate(UUID.randomUUID(), context, 0.0f, limit,
                (text, time) -> {
                    if (firstToken[0] == 0) {
                        firstToken[0] = System.nanoTime();
                    }
                });
        long end = System.nanoTime();
        return new RequestTiming(response.promptTokens, response.generatedTokens, start,
                firstToken[0] == 0 ? end : firstToken[0], end);
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getName()).append(": ").append(e.getMessage());
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0) {
            text.append(" (at ").append(trace[0]).append(')');
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
