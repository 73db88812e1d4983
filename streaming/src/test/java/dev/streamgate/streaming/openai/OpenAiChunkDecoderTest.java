package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.Finish;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.TextDelta;
import dev.streamgate.streaming.StreamEvent.ToolCallDelta;
import dev.streamgate.streaming.StreamEvent.UsageReport;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.sse.SseEvent;
import org.junit.jupiter.api.Test;

class OpenAiChunkDecoderTest {

    private static List<StreamEvent> decodeAll(OpenAiChunkDecoder decoder, String... data) {
        var events = new ArrayList<StreamEvent>();
        for (String d : data) {
            events.addAll(decoder.decode(d));
        }
        return events;
    }

    /** A stream as OpenAI sends it with include_usage: role chunk, content, finish, usage chunk, [DONE]. */
    @Test
    void decodesOpenAisStreamAndPutsUsageBeforeFinish() {
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",";
        List<StreamEvent> events = decodeAll(new OpenAiChunkDecoder(),
                head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x\"}",
                head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}],\"usage\":null}",
                head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"logprobs\":null,"
                        + "\"finish_reason\":null}],\"usage\":null}",
                head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                        + "\"usage\":null}",
                head + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
                "[DONE]");

        assertThat(events).containsExactly(new TextDelta("Hel"), new TextDelta("lo"),
                new UsageReport(new Usage(9, 2, false)), new Finish(FinishReason.STOP));
    }

    @Test
    void decodesToolCallDeltas() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = decodeAll(decoder,
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":"
                        + "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                        + "{\"arguments\":\"\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "[DONE]");

        assertThat(events).containsExactly(
                new ToolCallDelta(0, "call_1", "get_weather", ""),
                new ToolCallDelta(0, null, null, "{\"city\":"),
                new ToolCallDelta(0, null, null, "\"Paris\"}"),
                new Finish(FinishReason.TOOL_CALLS));
    }

    @Test
    void toolCallWithoutIndexTakesItsPosition() {
        List<StreamEvent> events = new OpenAiChunkDecoder().decode("{\"choices\":[{\"delta\":{\"tool_calls\":["
                + "{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}");

        assertThat(events).containsExactly(new ToolCallDelta(0, "a", "f", "{}"), new ToolCallDelta(1, "b", "g", "{}"));
    }

    @Test
    void toleratesNullsEmptyChoicesAndExtraFields() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        assertThat(decoder.decode("{\"choices\":[]}")).isEmpty();
        assertThat(decoder.decode("{\"choices\":null,\"usage\":null}")).isEmpty();
        assertThat(decoder.decode("{}")).isEmpty();
        assertThat(decoder.decode("{\"choices\":[{\"index\":0,\"delta\":null,\"finish_reason\":null}]}")).isEmpty();
        assertThat(decoder.decode("{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"tool_calls\":null,"
                + "\"reasoning_content\":\"thinking\",\"extra\":[1,2]}}],\"x\":{}}")).isEmpty();
        assertThat(decoder.decode("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}")).isEmpty();
        assertThat(decoder.decode("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}"))
                .containsExactly(new TextDelta("ok"));
        assertThat(decoder.finishSeen()).isFalse();
    }

    @Test
    void choiceZeroIsFoundAfterOtherChoices() {
        assertThat(new OpenAiChunkDecoder().decode("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}},"
                + "{\"index\":0,\"delta\":{\"content\":\"mine\"}}]}"))
                .containsExactly(new TextDelta("mine"));
    }

    @Test
    void refusalIsPassedOnAsText() {
        assertThat(new OpenAiChunkDecoder().decode("{\"choices\":[{\"delta\":{\"refusal\":\"I can't\"}}]}"))
                .containsExactly(new TextDelta("I can't"));
    }

    /** vLLM with continuous usage stats reports cumulative usage in every chunk; the last one counts. */
    @Test
    void usageInEveryChunkIsReportedOnceWithTheLatestValue() {
        List<StreamEvent> events = decodeAll(new OpenAiChunkDecoder(),
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":5,"
                        + "\"completion_tokens\":1,\"total_tokens\":6}}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"length\"}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}",
                "[DONE]");

        assertThat(events).containsExactly(new TextDelta("a"), new TextDelta("b"),
                new UsageReport(new Usage(5, 2, false)), new Finish(FinishReason.LENGTH));
    }

    @Test
    void usageWithMissingCountsCountsZero() {
        List<StreamEvent> events = decodeAll(new OpenAiChunkDecoder(),
                "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"completion_tokens\":3,"
                        + "\"prompt_tokens\":null}}", "[DONE]");
        assertThat(events).containsExactly(new UsageReport(new Usage(0, 3, false)), new Finish(FinishReason.STOP));
    }

    @Test
    void doneWithoutFinishReasonCountsAsStop() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        decoder.decode("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}");
        assertThat(decoder.ended()).isFalse();
        assertThat(decoder.decode("[DONE]")).containsExactly(new Finish(FinishReason.STOP));
        assertThat(decoder.ended()).isTrue();
        assertThat(decoder.complete()).isEmpty();
        assertThatThrownBy(() -> decoder.decode("{}")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownFinishReasonsMapThroughFinishReason() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        decoder.decode("{\"choices\":[{\"delta\":{},\"finish_reason\":\"eos_token\"}]}");
        assertThat(decoder.finishSeen()).isTrue();
        assertThat(decoder.complete()).containsExactly(new Finish(FinishReason.STOP));
    }

    @Test
    void errorObjectsBecomeStreamErrors() {
        assertThat(new OpenAiChunkDecoder().decode("{\"error\":{\"message\":\"The server had an error\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"))
                .containsExactly(new StreamError(502, "server_error", null, "The server had an error"));
        assertThat(new OpenAiChunkDecoder().decode("{\"object\":\"error\",\"message\":\"context too long\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"))
                .containsExactly(new StreamError(400, "BadRequestError", "400", "context too long"));
        assertThat(new OpenAiChunkDecoder().decode("{\"error\":\"overloaded\"}"))
                .containsExactly(new StreamError(502, "upstream_error", null, "overloaded"));
        assertThat(new OpenAiChunkDecoder().decode("{\"error\":{\"code\":\"rate_limit_exceeded\"}}"))
                .containsExactly(new StreamError(502, "upstream_error", "rate_limit_exceeded",
                        "the upstream reported an error"));
    }

    @Test
    void anErrorEventIsAnErrorWhateverItsData() {
        assertThat(new OpenAiChunkDecoder().decode(new SseEvent("error", "{\"message\":\"bad\",\"code\":\"oops\"}",
                null))).containsExactly(new StreamError(502, "upstream_error", "oops", "bad"));
        assertThat(new OpenAiChunkDecoder().decode(new SseEvent("error", "{\"error\":{\"message\":\"busy\","
                + "\"type\":\"server_error\",\"code\":503}}", null)))
                .containsExactly(new StreamError(503, "server_error", "503", "busy"));
        assertThat(new OpenAiChunkDecoder().decode(new SseEvent("error", "{}", null)))
                .containsExactly(new StreamError(502, "upstream_error", null, "the upstream reported an error"));
        assertThatThrownBy(() -> new OpenAiChunkDecoder().decode(new SseEvent("error", "overloaded", null)))
                .isInstanceOf(MalformedResponseException.class);
    }

    @Test
    void otherEventsAreDecodedByTheirData() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        assertThat(decoder.decode(new SseEvent(SseEvent.DEFAULT_EVENT,
                "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}", "1")))
                .containsExactly(new TextDelta("x"));
        assertThat(decoder.decode(new SseEvent("chunk", OpenAiChunkDecoder.DONE, "2")))
                .containsExactly(new Finish(FinishReason.STOP));
        assertThat(decoder.ended()).isTrue();
    }

    @Test
    void anErrorEndsTheStream() {
        OpenAiChunkDecoder decoder = new OpenAiChunkDecoder();
        decoder.decode("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}");
        assertThat(decoder.decode("{\"error\":{\"message\":\"m\",\"type\":\"t\"}}")).hasSize(1);
        assertThat(decoder.ended()).isTrue();
        assertThat(decoder.complete()).isEmpty();
        assertThatThrownBy(() -> decoder.decode(new SseEvent("error", "{}", null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSurrogatePairSplitAcrossChunksIsRejoined() {
        List<StreamEvent> events = decodeAll(new OpenAiChunkDecoder(),
                "{\"choices\":[{\"delta\":{\"content\":\"smile \\ud83d\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\ude00!\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\ude00\"}}]}",
                "[DONE]");

        assertThat(events).containsExactly(new TextDelta("smile "), new TextDelta("\uD83D\uDE00!"),
                new TextDelta("\uD83D\uDE00"), new Finish(FinishReason.STOP));
    }

    @Test
    void malformedChunksAreProtocolErrors() {
        for (String bad : List.of("not json", "[1]", "\"text\"", "{\"choices\":{}}", "{\"choices\":[1]}",
                "{\"choices\":[{\"delta\":\"x\"}]}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":-1}]}}]}",
                "{\"choices\":[{\"delta\":{},\"finish_reason\":1}]}",
                "{\"usage\":{\"prompt_tokens\":-1}}", "{\"usage\":{\"prompt_tokens\":\"9\"}}", "{\"usage\":7}")) {
            assertThatThrownBy(() -> new OpenAiChunkDecoder().decode(bad)).as(bad)
                    .isInstanceOf(MalformedResponseException.class);
        }
    }

    @Test
    void decodesBytes() {
        assertThat(new OpenAiChunkDecoder().decode("{\"choices\":[{\"delta\":{\"content\":\"é\"}}]}"
                .getBytes(StandardCharsets.UTF_8))).containsExactly(new TextDelta("é"));
    }

    /** OpenAI's documented non-streaming response. */
    @Test
    void decodesACompletion() {
        String completion = """
                {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini",
                 "system_fingerprint":"fp_44709d6fcb",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"\\n\\nHello there, how may I assist \
                you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
                 "service_tier":"default",
                 "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,
                  "completion_tokens_details":{"reasoning_tokens":0}}}""";

        assertThat(OpenAiChunkDecoder.decodeCompletion(completion.getBytes(StandardCharsets.UTF_8))).containsExactly(
                new TextDelta("\n\nHello there, how may I assist you today?"),
                new UsageReport(new Usage(9, 12, false)),
                new Finish(FinishReason.STOP));
    }

    @Test
    void decodesACompletionWithToolCalls() {
        String completion = """
                {"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                  {"id":"call_a","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}},
                  {"id":"call_b","type":"function","function":{"name":"g","arguments":"{}"}}]},
                  "finish_reason":"tool_calls"}]}""";

        assertThat(OpenAiChunkDecoder.decodeCompletion(completion.getBytes(StandardCharsets.UTF_8))).containsExactly(
                new ToolCallDelta(0, "call_a", "f", "{\"x\":1}"),
                new ToolCallDelta(1, "call_b", "g", "{}"),
                new Finish(FinishReason.TOOL_CALLS));
    }

    @Test
    void completionErrorsAndMalformedCompletions() {
        assertThat(OpenAiChunkDecoder.decodeCompletion(("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\","
                + "\"code\":\"context_length_exceeded\"}}").getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new StreamError(502, "invalid_request_error", "context_length_exceeded", "bad"));
        for (String bad : List.of("{}", "{\"choices\":[]}", "{\"choices\":[{\"index\":0}]}",
                "{\"choices\":[{\"message\":[]}]}")) {
            assertThatThrownBy(() -> OpenAiChunkDecoder.decodeCompletion(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(MalformedResponseException.class);
        }
    }

    /**
     * The token-stream reader of whole completions answers as the tree reader does, events and refusals alike,
     * over the shapes real servers send (and a few they should not).
     */
    @Test
    void completionsReadOffTheTokenStreamMatchTheTreeReader() {
        List<String> completions = List.of(
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\\\"b\\u00e9\\n\"},\"finish_reason\":\"length\"}]}",
                "{\"choices\":[{\"index\":1,\"message\":{\"content\":\"second\"}},"
                        + "{\"index\":0,\"message\":{\"content\":\"first\"},\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"no\"},\"delta\":{\"content\":\"x\"}}],"
                        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}",
                "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"f\"}}]}}],\"usage\":null}",
                "{\"object\":\"error\",\"message\":\"overloaded\",\"code\":503}",
                "{\"error\":\"plain\"}",
                "{}", "{\"choices\":null}", "{\"choices\":[]}", "{\"choices\":{}}", "{\"choices\":[1]}",
                "{\"choices\":[{\"index\":0}]}", "{\"choices\":[{\"message\":null}]}",
                "{\"choices\":[{\"message\":[]}]}", "{\"choices\":[{\"message\":{\"content\":5}}]}",
                "{\"choices\":[{\"message\":{}}],\"usage\":{\"prompt_tokens\":-1}}", "[]");
        for (String completion : completions) {
            byte[] bytes = completion.getBytes(StandardCharsets.UTF_8);
            Object fromTree;
            try {
                fromTree = OpenAiChunkDecoder.decodeCompletion(UpstreamResponses.parse(completion));
            } catch (MalformedResponseException e) {
                fromTree = e.getMessage();
            }
            Object streamed;
            try {
                streamed = OpenAiChunkDecoder.decodeCompletion(bytes);
            } catch (MalformedResponseException e) {
                streamed = e.getMessage();
            }
            assertThat(streamed).as(completion).isEqualTo(fromTree);
        }
    }

    /** What the encoder writes, the decoder reads back to the same events. */
    @Test
    void roundTripsTheEncoder() {
        List<StreamEvent> original = List.of(new TextDelta("Hi "), new TextDelta("there 😀"),
                new ToolCallDelta(0, "call_1", "f", "{\"a\""), new ToolCallDelta(0, null, null, ":1}"),
                new UsageReport(new Usage(10, 5, false)), new Finish(FinishReason.TOOL_CALLS));
        var encoder = new OpenAiChunkEncoder("chatcmpl-x", 5L, "m", true);
        var decoder = new OpenAiChunkDecoder();
        var decoded = new ArrayList<StreamEvent>();
        for (StreamEvent event : original) {
            for (byte[] chunk : encoder.encode(event)) {
                decoded.addAll(decoder.decode(chunk));
            }
        }
        decoded.addAll(decoder.decode(OpenAiChunkDecoder.DONE));

        assertThat(decoded).containsExactlyElementsOf(original);
    }
}
