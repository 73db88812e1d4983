package dev.streamgate.worker;

import static dev.streamgate.streaming.openai.RequestFields.invalidValue;
import static dev.streamgate.streaming.openai.RequestFields.optionalBoolean;
import static dev.streamgate.streaming.openai.RequestFields.optionalInt;
import static dev.streamgate.streaming.openai.RequestFields.optionalLong;
import static dev.streamgate.streaming.openai.RequestFields.optionalNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.streaming.openai.RequestFields;
import dev.streamgate.worker.engine.SamplingParams;
import tools.jackson.databind.JsonNode;

/**
 * A request's generation settings, validated: OpenAI's sampling fields plus vLLM's common extensions
 * ({@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code ignore_eos}, {@code skip_special_tokens},
 * {@code priority}).
 *
 * @param maxTokens   null when the caller set none (the rest of the context is allowed)
 * @param topLogprobs alternatives per token when {@code logprobs} is set
 */
public record GenerationSettings(Integer maxTokens, SamplingParams sampling, List<String> stop, boolean ignoreEos,
                                 boolean skipSpecialTokens, boolean logprobs, int topLogprobs, int priority) {

    private static final int MAX_STOP_STRINGS = 16;
    private static final int MAX_TOP_LOGPROBS = 20;

    public GenerationSettings {
        stop = List.copyOf(stop);
    }

    /** Which API's shape {@code logprobs} has: a boolean plus {@code top_logprobs} (chat) or a count (completions). */
    public enum Api { CHAT, COMPLETIONS }

    /**
     * Reads the settings of a request body.
     *
     * @param seeds draws a seed for sampled requests that name none, so that a preempted request's recompute
     *              draws the same tokens
     * @throws InvalidRequestException naming the first invalid field
     */
    public static GenerationSettings read(JsonNode body, Api api, ModelFolder.SamplingDefaults defaults,
                                          RandomGenerator seeds) {
        Integer n = optionalInt(body.get("n"), "n", 1);
        if (n != null && n != 1) {
            throw new InvalidRequestException("n", RequestFields.UNSUPPORTED_VALUE,
                    "Unsupported value: 'n' must be 1; generating several choices per request is not supported.");
        }
        rejectUnsupported(body);
        // OpenAI's ranges (API reference, "Create chat completion"); vLLM's for its extensions.
        Integer maxTokens = optionalInt(body.get("max_completion_tokens"), "max_completion_tokens", 1);
        if (maxTokens == null) {
            maxTokens = optionalInt(body.get("max_tokens"), "max_tokens", 1);
        }
        double temperature = number(body, "temperature", 0, false, 2, defaults.temperature().orElse(1.0));
        double topP = number(body, "top_p", 0, true, 1, defaults.topP().orElse(1.0));
        Integer topKValue = optionalInt(body.get("top_k"), "top_k", -1);
        int topK = topKValue != null ? topKValue : defaults.topK().orElse(0);
        double minP = number(body, "min_p", 0, false, 1, defaults.minP().orElse(0.0));
        double presence = number(body, "presence_penalty", -2, false, 2, 0.0);
        double frequency = number(body, "frequency_penalty", -2, false, 2, 0.0);
        double repetition = number(body, "repetition_penalty", 0, true, 2, defaults.repetitionPenalty().orElse(1.0));
        Long seedValue = optionalLong(body.get("seed"), "seed");
        long seed = seedValue != null ? seedValue : temperature > 0 ? nextSeed(seeds) : 0L;

        boolean logprobs;
        int topLogprobs;
        if (api == Api.CHAT) {
            logprobs = bool(body, "logprobs", false);
            Integer top = optionalInt(body.get("top_logprobs"), "top_logprobs", 0);
            topLogprobs = top == null ? 0 : top;
            check(topLogprobs <= MAX_TOP_LOGPROBS, "top_logprobs",
                    "expected an integer between 0 and " + MAX_TOP_LOGPROBS + ", but got " + topLogprobs + " instead.");
            check(top == null || logprobs, "top_logprobs", "top_logprobs needs logprobs set to true.");
        } else {
            Integer count = optionalInt(body.get("logprobs"), "logprobs", 0);
            check(count == null || count <= MAX_TOP_LOGPROBS, "logprobs",
                    "expected an integer between 0 and " + MAX_TOP_LOGPROBS + ", but got " + count + " instead.");
            logprobs = count != null;
            topLogprobs = count == null ? 0 : count;
        }
        // The engine returns the sampled token's logprob with its alternatives, so at least one is asked for.
        int engineLogprobs = logprobs ? Math.max(1, topLogprobs) : 0;

        SamplingParams sampling = new SamplingParams((float) temperature, topK <= 0 ? 0 : topK, (float) topP,
                (float) minP, (float) repetition, (float) presence, (float) frequency, seed, engineLogprobs);
        return new GenerationSettings(maxTokens, sampling, stop(body.path("stop")), bool(body, "ignore_eos", false),
                bool(body, "skip_special_tokens", true), logprobs, topLogprobs, priority(body));
    }

    private static void rejectUnsupported(JsonNode body) {
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            throw invalidValue("tools", "this worker does not support tool calling");
        }
        JsonNode format = body.path("response_format");
        if (format.isObject() && !"text".equals(format.path("type").asString("text"))) {
            throw invalidValue("response_format", "this worker supports only the text response format");
        }
        JsonNode echo = body.path("echo");
        if (echo.isBoolean() && echo.booleanValue()) {
            throw invalidValue("echo", "echo is not supported");
        }
        JsonNode bestOf = body.path("best_of");
        if (bestOf.isIntegralNumber() && bestOf.intValue() != 1) {
            throw invalidValue("best_of", "only best_of=1 is supported");
        }
    }

    private static List<String> stop(JsonNode stop) {
        List<String> out = new ArrayList<>();
        if (stop.isMissingNode() || stop.isNull()) {
            return out;
        }
        if (stop.isString()) {
            out.add(stop.stringValue());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isString()) {
                    throw invalidValue("stop", "stop must be a string or an array of strings");
                }
                out.add(s.stringValue());
            }
        } else {
            throw invalidValue("stop", "stop must be a string or an array of strings");
        }
        check(out.size() <= MAX_STOP_STRINGS, "stop", "at most " + MAX_STOP_STRINGS + " stop strings");
        for (String s : out) {
            check(!s.isEmpty(), "stop", "stop strings must not be empty");
        }
        return out;
    }

    private static double number(JsonNode body, String field, double min, boolean minExclusive, double max,
                                 double fallback) {
        Double value = optionalNumber(body.get(field), field, min, minExclusive, max);
        return value == null ? fallback : value;
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) {
        Boolean value = optionalBoolean(body.get(field), field);
        return value == null ? fallback : value;
    }

    private static int priority(JsonNode body) {
        Integer value = optionalInt(body.get("priority"), "priority", Integer.MIN_VALUE);
        return value == null ? 0 : value;
    }

    private static void check(boolean ok, String param, String message) {
        if (!ok) {
            throw invalidValue(param, message);
        }
    }

    private static long nextSeed(RandomGenerator seeds) {
        synchronized (seeds) {
            return seeds.nextLong();
        }
    }
}
