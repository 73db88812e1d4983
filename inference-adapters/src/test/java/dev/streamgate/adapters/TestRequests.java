package dev.streamgate.adapters;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Chat requests for tests, built the way the gateway's parser would build them: typed fields plus raw JSON. */
public final class TestRequests {
    public static final String TENANT = "tenant-test";
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final AtomicLong IDS = new AtomicLong();

    private TestRequests() {
    }

    public static InferenceRequest chat(String model, String userText) {
        return chat(model, userText, null);
    }

    public static InferenceRequest chat(String model, String userText, Integer maxTokens) {
        return new InferenceRequest("req-" + IDS.incrementAndGet(), TENANT,
                chatRequest(model, List.of(message(ChatMessage.Role.USER, userText)), maxTokens, true));
    }

    public static ChatMessage message(ChatMessage.Role role, String text) {
        ObjectNode raw = JSON.createObjectNode();
        raw.put("role", role.wireName());
        raw.put("content", text);
        return new ChatMessage(role, text, null, null, raw);
    }

    public static ChatCompletionRequest chatRequest(String model, List<ChatMessage> messages, Integer maxTokens,
                                                    boolean stream) {
        ObjectNode raw = JSON.createObjectNode();
        raw.put("model", model);
        var array = raw.putArray("messages");
        messages.forEach(message -> array.add(message.raw()));
        if (maxTokens != null) {
            raw.put("max_tokens", maxTokens);
        }
        raw.put("stream", stream);
        return new ChatCompletionRequest(model, messages, maxTokens, null, null, List.of(), null, null, stream,
                false, raw);
    }
}
