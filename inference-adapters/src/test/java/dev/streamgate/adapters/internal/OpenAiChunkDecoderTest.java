package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OpenAiChunkDecoderTest {
    private final OpenAiChunkDecoder decoder = new OpenAiChunkDecoder(JsonMapper.shared());
    private final List<StreamEvent> events = new ArrayList<>();

    @Test
    void holdsFinishAndUsageBackUntilDoneAndEmitsUsageFirst() {
        feed(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        feed(chunk("{\"content\":\"Hi\"}", null));
        feed(chunk("{}", "\"stop\""));
        assertThat(events).containsExactly(new StreamEvent.TextDelta("Hi"));

        feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n");
        feed("data: [DONE]\n\n");

        assertThat(events).containsExactly(new StreamEvent.TextDelta("Hi"),
                new StreamEvent.UsageReport(new Usage(9, 1, false)), new StreamEvent.Finish(FinishReason.STOP));
        assertThat(decoder.done()).isTrue();
        assertThat(decoder.dataEvents()).isEqualTo(5);
    }

    @Test
    void keepsOnlyTheLastOfRepeatedUsageReports() {
        feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":1}}\n\n");
        feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n");

        assertThat(events).containsExactly(new StreamEvent.TextDelta("a"), new StreamEvent.TextDelta("b"),
                new StreamEvent.UsageReport(new Usage(3, 2, false)), new StreamEvent.Finish(FinishReason.LENGTH));
    }

    @Test
    void decodesToolCallDeltas() {
        feed(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"weather\",\"arguments\":\"\"}}]}", null));
        feed(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", null));
        feed(chunk("{}", "\"tool_calls\""));
        feed("data: [DONE]\n\n");

        assertThat(events).containsExactly(new StreamEvent.ToolCallDelta(0, "call_1", "weather", ""),
                new StreamEvent.ToolCallDelta(0, null, null, "{\"city\":"),
                new StreamEvent.Finish(FinishReason.TOOL_CALLS));
    }

    @Test
    void ignoresChoicesOtherThanTheFirst() {
        feed("data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}},"
                + "{\"index\":0,\"delta\":{\"content\":\"mine\"}}]}\n\n");

        assertThat(events).containsExactly(new StreamEvent.TextDelta("mine"));
    }

    @Test
    void endOfBodyAfterAFinishReasonFinishesTheStream() {
        feed(chunk("{\"content\":\"x\"}", "\"stop\""));

        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.TextDelta("x"), new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void endOfBodyWithoutFinishIsAProtocolViolation() {
        feed(chunk("{\"content\":\"x\"}", null));

        assertThatThrownBy(() -> decoder.end(events)).isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("without a finish_reason");
    }

    @Test
    void dataAfterDoneIsIgnored() {
        feed("data: [DONE]\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"}}]}\n\n");
        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void errorChunkThrowsAfterTheEventsBeforeIt() {
        assertThatThrownBy(() -> feed(chunk("{\"content\":\"a\"}", null)
                + "data: {\"error\":{\"message\":\"overloaded\",\"code\":503}}\n\n"))
                .isInstanceOfSatisfying(UpstreamReportedError.class, error -> {
                    assertThat(error.status()).isEqualTo(503);
                    assertThat(error.getMessage()).isEqualTo("overloaded");
                });
        assertThat(events).containsExactly(new StreamEvent.TextDelta("a"));
    }

    @Test
    void errorEventTypeIsAnError() {
        assertThatThrownBy(() -> feed("event: error\ndata: {\"message\":\"bad\",\"code\":\"oops\"}\n\n"))
                .isInstanceOfSatisfying(UpstreamReportedError.class, error -> {
                    assertThat(error.status()).isEqualTo(502);
                    assertThat(error.code()).isEqualTo("oops");
                });
    }

    @Test
    void malformedJsonIsAProtocolViolation() {
        assertThatThrownBy(() -> feed("data: {\"choices\n\n")).isInstanceOf(ProtocolViolation.class);
        assertThatThrownBy(() -> feed("data: [1,2]\n\n")).isInstanceOf(ProtocolViolation.class);
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    private void feed(String text) {
        decoder.feed(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)), events);
    }
}
