package dev.streamgate.worker.server;

import java.util.List;

import dev.streamgate.streaming.Usage;
import dev.streamgate.worker.GenerationEvent;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Pieces of OpenAI's response bodies shared by chat and text completions. */
final class OpenAiJson {
    static final JsonMapper MAPPER = JsonMapper.shared();
    static final String DONE = "data: [DONE]\n\n";

    private OpenAiJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String sse(ObjectNode data) {
        return "data: " + MAPPER.writeValueAsString(data) + "\n\n";
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

    /** OpenAI's error object: {@code {"error":{"message","type","param","code"}}}. */
    static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode body = object();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return body;
    }

    /** A chat {@code logprobs.content[]} entry. */
    static ObjectNode chatLogprob(GenerationEvent.TokenLogprob logprob) {
        ObjectNode node = object();
        node.put("token", logprob.token());
        node.put("logprob", logprob.logprob());
        node.set("bytes", bytes(logprob.bytes()));
        ArrayNode top = node.putArray("top_logprobs");
        for (GenerationEvent.TokenLogprob.Alternative alternative : logprob.top()) {
            ObjectNode alt = top.addObject();
            alt.put("token", alternative.token());
            alt.put("logprob", alternative.logprob());
            alt.set("bytes", bytes(alternative.bytes()));
        }
        return node;
    }

    static ObjectNode chatLogprobs(List<GenerationEvent.TokenLogprob> logprobs) {
        ObjectNode node = object();
        ArrayNode content = node.putArray("content");
        logprobs.forEach(l -> content.add(chatLogprob(l)));
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

    private static ArrayNode bytes(byte[] bytes) {
        ArrayNode array = MAPPER.createArrayNode();
        for (byte b : bytes) {
            array.add(b & 0xFF);
        }
        return array;
    }
}
