package dev.streamgate.worker.server;

import java.util.List;

import dev.streamgate.streaming.Usage;
import dev.streamgate.worker.GenerationEvent;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Pieces of OpenAI's response JSON the worker writes itself: usage, legacy logprobs (errors: OpenAiErrorJson). */
final class OpenAiJson {
    static final JsonMapper MAPPER = JsonMapper.shared();

    private OpenAiJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String json(ObjectNode data) {
        return MAPPER.writeValueAsString(data);
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode node = object();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        return node;
    }

    /** The legacy completions {@code logprobs} object. */
    static ObjectNode completionLogprobs(List<GenerationEvent.TokenLogprob> logprobs, List<Integer> offsets) {
        ObjectNode node = object();
        ArrayNode tokens = node.putArray("tokens");
        ArrayNode tokenLogprobs = node.putArray("token_logprobs");
        ArrayNode top = node.putArray("top_logprobs");
        ArrayNode textOffset = node.putArray("text_offset");
        for (int i = 0; i < logprobs.size(); i++) {
            GenerationEvent.TokenLogprob logprob = logprobs.get(i);
            tokens.add(logprob.token());
            tokenLogprobs.add(logprob.logprob());
            ObjectNode alternatives = top.addObject();
            logprob.top().forEach(a -> alternatives.put(a.token(), a.logprob()));
            textOffset.add(offsets.get(i));
        }
        return node;
    }

    /** A token's UTF-8 bytes as OpenAI lists them. */
    static ArrayNode bytes(byte[] bytes) {
        ArrayNode array = MAPPER.createArrayNode();
        for (byte b : bytes) {
            array.add(b & 0xFF);
        }
        return array;
    }
}
