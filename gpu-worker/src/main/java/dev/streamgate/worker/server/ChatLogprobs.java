package dev.streamgate.worker.server;

import java.util.List;

import dev.streamgate.worker.GenerationEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chat {@code logprobs} ({@code {"content":[{token, logprob, bytes, top_logprobs}]}}), which only the worker
 * produces: the shared chunk codecs write {@code "logprobs":null}, and this sets the value into what they wrote.
 * Re-reading a chunk costs a parse, paid only by requests that ask for logprobs.
 */
final class ChatLogprobs {
    private ChatLogprobs() {
    }

    static ObjectNode of(List<GenerationEvent.TokenLogprob> logprobs) {
        ObjectNode node = OpenAiJson.object();
        ArrayNode content = node.putArray("content");
        for (GenerationEvent.TokenLogprob logprob : logprobs) {
            ObjectNode entry = content.addObject();
            entry.put("token", logprob.token());
            entry.put("logprob", logprob.logprob());
            entry.set("bytes", OpenAiJson.bytes(logprob.bytes()));
            ArrayNode top = entry.putArray("top_logprobs");
            for (GenerationEvent.TokenLogprob.Alternative alternative : logprob.top()) {
                ObjectNode alt = top.addObject();
                alt.put("token", alternative.token());
                alt.put("logprob", alternative.logprob());
                alt.set("bytes", OpenAiJson.bytes(alternative.bytes()));
            }
        }
        return node;
    }

    /** {@code json} (a chunk or a completion) with {@code choices[0].logprobs} set, keys in their order. */
    static byte[] intoChoice(byte[] json, ObjectNode logprobs) {
        JsonNode root = OpenAiJson.MAPPER.readTree(json);
        ((ObjectNode) root.path("choices").get(0)).set("logprobs", logprobs);
        return OpenAiJson.MAPPER.writeValueAsBytes(root);
    }
}
