package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.streamgate.adapters.TestRequests;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class UpstreamRequestBodyTest {
    private static final JsonMapper JSON = JsonMapper.shared();

    @Test
    void keepsTheCallersOwnStreamOptionsAndAddsUsage() {
        ChatCompletionRequest chat = TestRequests.chatRequest("alias", List.of(TestRequests.message(
                ChatMessage.Role.USER, "hi")), null, true);
        chat.raw().putObject("stream_options").put("continuous_usage_stats", true);

        ObjectNode body = UpstreamRequestBody.build(JSON, new InferenceRequest("r", "t", chat), "up", true);

        assertThat(body.path("stream_options").path("continuous_usage_stats").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(chat.raw().path("stream_options").has("include_usage")).isFalse();
    }

    @Test
    void buildsTheBodyFromTypedFieldsWhenThereIsNoRawJson() {
        ChatMessage tool = new ChatMessage(ChatMessage.Role.TOOL, "42", null, "call_1", null);
        ChatCompletionRequest chat = new ChatCompletionRequest("alias", List.of(
                new ChatMessage(ChatMessage.Role.SYSTEM, "be brief", null, null, null),
                new ChatMessage(ChatMessage.Role.USER, "hi", "ann", null, null), tool),
                12, 0.5, 0.9, List.of("END"), 7L, "u1", false, true, null);

        ObjectNode body = UpstreamRequestBody.build(JSON, new InferenceRequest("r", "t", chat), "up", true);

        assertThat(body.toString()).isEqualTo(JSON.readTree("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi","name":"ann"},
                 {"role":"tool","content":"42","tool_call_id":"call_1"}],
                 "temperature":0.5,"top_p":0.9,"stop":["END"],"seed":7,"user":"u1",
                 "model":"up","stream":false,"max_tokens":12}
                """).toString());
    }

    @Test
    void doesNotAddMaxTokensWhenTheCallerUsedMaxCompletionTokens() {
        ChatCompletionRequest chat = TestRequests.chatRequest("alias", List.of(TestRequests.message(
                ChatMessage.Role.USER, "hi")), null, true);
        chat.raw().put("max_completion_tokens", 9);
        ChatCompletionRequest withMax = new ChatCompletionRequest("alias", chat.messages(), 9, null, null, null,
                null, null, true, false, chat.raw());

        ObjectNode body = UpstreamRequestBody.build(JSON, new InferenceRequest("r", null, withMax), "up", false);

        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(9);
        assertThat(body.has("user")).isFalse();
    }
}
