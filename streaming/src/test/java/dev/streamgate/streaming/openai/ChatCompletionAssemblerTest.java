package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.Finish;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.TextDelta;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.StreamEvent.UsageReport;
import dev.streamgate.streaming.Usage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChatCompletionAssemblerTest {

    private static ChatCompletionAssembler assemble(StreamEvent... events) {
        var assembler = new ChatCompletionAssembler("chatcmpl-123", 1677652288L, "gpt-4o-mini");
        for (StreamEvent event : events) {
            assembler.accept(event);
        }
        return assembler;
    }

    private static String json(ChatCompletionAssembler assembler) {
        return new String(assembler.toJson(), StandardCharsets.UTF_8);
    }

    /** OpenAI's documented non-streaming response, minus system_fingerprint, service_tier and annotations. */
    @Test
    void textCompletionMatchesOpenAisShape() {
        ChatCompletionAssembler assembler = assemble(new TextDelta("Hello there, "), new TextDelta("how may I "),
                new TextDelta("assist you today?"), new UsageReport(new Usage(9, 12, false)),
                new Finish(FinishReason.STOP));

        assertThat(json(assembler)).isEqualTo("{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion\","
                + "\"created\":1677652288,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello there, how may I assist you today?\","
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}}");
        assertThat(assembler.finished()).isTrue();
        assertThat(assembler.content()).isEqualTo("Hello there, how may I assist you today?");
    }

    @Test
    void toolCallsAreMergedPerIndexAndContentIsNull() {
        ChatCompletionAssembler assembler = assemble(
                new ToolCallDelta(1, "call_b", "get_time", ""),
                new ToolCallDelta(0, "call_a", "get_weather", "{\"loc"),
                new ToolCallDelta(0, null, null, "ation\":\"Paris\"}"),
                new ToolCallDelta(1, null, null, "{}"),
                new Finish(FinishReason.TOOL_CALLS));

        JsonNode message = JsonMapper.shared().readTree(assembler.toJson()).at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(2);
        assertThat(message.at("/tool_calls/0/id").stringValue()).isEqualTo("call_a");
        assertThat(message.at("/tool_calls/0/type").stringValue()).isEqualTo("function");
        assertThat(message.at("/tool_calls/0/function/name").stringValue()).isEqualTo("get_weather");
        assertThat(message.at("/tool_calls/0/function/arguments").stringValue()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(message.at("/tool_calls/1/id").stringValue()).isEqualTo("call_b");
        assertThat(message.at("/tool_calls/1/function/arguments").stringValue()).isEqualTo("{}");
        assertThat(JsonMapper.shared().readTree(assembler.toJson()).at("/choices/0/finish_reason").stringValue())
                .isEqualTo("tool_calls");
    }

    @Test
    void textAndToolCallsTogetherKeepTheText() {
        JsonNode message = JsonMapper.shared().readTree(assemble(new TextDelta("Checking."),
                new ToolCallDelta(0, "c", "f", "{}"), new Finish(FinishReason.TOOL_CALLS)).toJson())
                .at("/choices/0/message");
        assertThat(message.get("content").stringValue()).isEqualTo("Checking.");
        assertThat(message.get("tool_calls")).hasSize(1);
    }

    @Test
    void emptyCompletionHasEmptyContentAndNoUsageWhenNoneWasReported() {
        JsonNode completion = JsonMapper.shared().readTree(assemble(new Finish(FinishReason.LENGTH)).toJson());
        assertThat(completion.at("/choices/0/message/content").stringValue()).isEmpty();
        assertThat(completion.at("/choices/0/message").has("tool_calls")).isFalse();
        assertThat(completion.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
        assertThat(completion.has("usage")).isFalse();
    }

    @Test
    void anErroredStreamHasNoCompletion() {
        var error = new StreamError(504, "timeout", "upstream_timeout", "no first token");
        ChatCompletionAssembler assembler = assemble(new TextDelta("x"), error);

        assertThat(assembler.error()).isEqualTo(error);
        assertThat(assembler.finished()).isFalse();
        assertThatThrownBy(assembler::toJson).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnfinishedStreamHasNoCompletion() {
        assertThatThrownBy(() -> assemble(new TextDelta("x")).toJson()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eventsAfterTheEndAreRejected() {
        ChatCompletionAssembler assembler = assemble(new Finish(FinishReason.STOP));
        assertThatThrownBy(() -> assembler.accept(new TextDelta("late"))).isInstanceOf(IllegalStateException.class);
        assembler.accept(new UsageReport(new Usage(1, 2, true)));
        assertThat(assembler.usage()).isEqualTo(new Usage(1, 2, true));
        assertThatThrownBy(() -> assembler.accept(new UsageReport(new Usage(1, 2, true))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void collectsAFlux() {
        Flux<StreamEvent> events = Flux.just(new TextDelta("a"), new TextDelta("b"), new Finish(FinishReason.STOP));

        StepVerifier.create(events.collect(() -> new ChatCompletionAssembler("chatcmpl-1", 1L, "m"),
                        ChatCompletionAssembler::accept).map(ChatCompletionAssembler::content))
                .expectNext("ab")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
