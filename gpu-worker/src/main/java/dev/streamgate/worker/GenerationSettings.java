package dev.streamgate.worker;

import static dev.streamgate.worker.BodyFields.bool;
import static dev.streamgate.worker.BodyFields.check;
import static dev.streamgate.worker.BodyFields.intOr;
import static dev.streamgate.worker.BodyFields.invalid;
import static dev.streamgate.worker.BodyFields.number;
import static dev.streamgate.worker.BodyFields.optionalInt;
import static dev.streamgate.worker.BodyFields.optionalLong;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import dev.streamgate.streaming.openai.InvalidRequestException;
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
        JsonNode n = body.path("n");
        if (!n.isMissingNode() && !n.isNull() && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw invalid("n", "only n=1 is supported");
        }
        rejectUnsupported(body);
        Integer maxTokens = optionalInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = optionalInt(body, "max_tokens");
        }
        String maxTokensParam = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (maxTokens != null && maxTokens < 1) {
            throw invalid(maxTokensParam, maxTokensParam + " must be at least 1");
        }

        double temperature = number(body, "temperature", defaults.temperature().orElse(1.0));
        check(temperature >= 0 && temperature <= 2, "temperature", "temperature must be between 0 and 2");
        double topP = number(body, "top_p", defaults.topP().orElse(1.0));
        check(topP > 0 && topP <= 1, "top_p", "top_p must be greater than 0 and at most 1");
        Integer topKValue = optionalInt(body, "top_k");
        int topK = topKValue != null ? topKValue : defaults.topK().orElse(0);
        check(topK >= -1, "top_k", "top_k must be -1 or 0 (off) or a positive number of tokens");
        double minP = number(body, "min_p", defaults.minP().orElse(0.0));
        check(minP >= 0 && minP <= 1, "min_p", "min_p must be between 0 and 1");
        double presence = number(body, "presence_penalty", 0.0);
        check(presence >= -2 && presence <= 2, "presence_penalty", "presence_penalty must be between -2 and 2");
        double frequency = number(body, "frequency_penalty", 0.0);
        check(frequency >= -2 && frequency <= 2, "frequency_penalty", "frequency_penalty must be between -2 and 2");
        double repetition = number(body, "repetition_penalty", defaults.repetitionPenalty().orElse(1.0));
        check(repetition > 0 && repetition <= 2, "repetition_penalty",
                "repetition_penalty must be greater than 0 and at most 2");
        Long seedValue = optionalLong(body, "seed");
        long seed = seedValue != null ? seedValue : temperature > 0 ? nextSeed(seeds) : 0L;

        boolean logprobs;
        int topLogprobs;
        if (api == Api.CHAT) {
            logprobs = bool(body, "logprobs", false);
            Integer top = optionalInt(body, "top_logprobs");
            topLogprobs = top == null ? 0 : top;
            check(topLogprobs >= 0 && topLogprobs <= MAX_TOP_LOGPROBS, "top_logprobs",
                    "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS);
            check(top == null || logprobs, "top_logprobs", "top_logprobs needs logprobs set to true");
        } else {
            Integer count = optionalInt(body, "logprobs");
            check(count == null || (count >= 0 && count <= MAX_TOP_LOGPROBS), "logprobs",
                    "logprobs must be between 0 and " + MAX_TOP_LOGPROBS);
            logprobs = count != null;
            topLogprobs = count == null ? 0 : count;
        }
        // The engine returns the sampled token's logprob with its alternatives, so at least one is asked for.
        int engineLogprobs = logprobs ? Math.max(1, topLogprobs) : 0;

        SamplingParams sampling = new SamplingParams((float) temperature, topK <= 0 ? 0 : topK, (float) topP,
                (float) minP, (float) repetition, (float) presence, (float) frequency, seed, engineLogprobs);
        return new GenerationSettings(maxTokens, sampling, stop(body.path("stop")), bool(body, "ignore_eos", false),
                bool(body, "skip_special_tokens", true), logprobs, topLogprobs, intOr(body, "priority", 0));
    }

    private static void rejectUnsupported(JsonNode body) {
        JsonNode tools = body.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            throw invalid("tools", "this worker does not support tool calling");
        }
        JsonNode format = body.path("response_format");
        if (format.isObject() && !"text".equals(format.path("type").asString("text"))) {
            throw invalid("response_format", "this worker supports only the text response format");
        }
        JsonNode echo = body.path("echo");
        if (echo.isBoolean() && echo.booleanValue()) {
            throw invalid("echo", "echo is not supported");
        }
        JsonNode bestOf = body.path("best_of");
        if (bestOf.isIntegralNumber() && bestOf.intValue() != 1) {
            throw invalid("best_of", "only best_of=1 is supported");
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
                    throw invalid("stop", "stop must be a string or an array of strings");
                }
                out.add(s.stringValue());
            }
        } else {
            throw invalid("stop", "stop must be a string or an array of strings");
        }
        check(out.size() <= MAX_STOP_STRINGS, "stop", "at most " + MAX_STOP_STRINGS + " stop strings");
        for (String s : out) {
            check(!s.isEmpty(), "stop", "stop strings must not be empty");
        }
        return out;
    }

    private static long nextSeed(RandomGenerator seeds) {
        synchronized (seeds) {
            return seeds.nextLong();
        }
    }
}
