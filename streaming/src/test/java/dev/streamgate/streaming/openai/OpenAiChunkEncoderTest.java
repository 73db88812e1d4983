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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class OpenAiChunkEncoderTest {
    private static final String PREFIX = "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1694268190,\"model\":\"gpt-4o-mini\",";

    private static List<String> encodeAll(OpenAiChunkEncoder encoder, StreamEvent... events) {
        var chunks = new ArrayList<String>();
        for (StreamEvent event : events) {
            for (byte[] chunk : encoder.encode(event)) {
                chunks.add(new String(chunk, StandardCharsets.UTF_8));
            }
        }
        return chunks;
    }

    private static OpenAiChunkEncoder encoder(boolean includeUsage) {
        return new OpenAiChunkEncoder("chatcmpl-123", 1694268190L, "gpt-4o-mini", includeUsage);
    }

    /**
     * The streaming example of OpenAI's API reference ("The chat completion chunk object"), with
     * {@code system_fingerprint} left out as this encoder does. Compared byte for byte: key order included.
     */
    @Test
    void textStreamMatchesOpenAisDocumentedChunks() {
        List<String> chunks = encodeAll(encoder(false),
                new TextDelta("Hello"), new TextDelta("!"), new Finish(FinishReason.STOP));

        assertThat(chunks).containsExactly(
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
    }

    /**
     * The SSE-framing encoder hands out each chunk as {@code data: <json>\n\n} with the same JSON as the plain one,
     * through usage, tool calls, a line break in the text (escaped, so still one line) and a stream that fails.
     */
    @Test
    void sseFramedChunksAreThePlainChunksInDataFrames() {
        StreamEvent[][] streams = {
                {new TextDelta("Hello\nworld"), new TextDelta("!"), new UsageReport(new Usage(9, 2, false)),
                        new Finish(FinishReason.STOP)},
                {new ToolCallDelta(0, "call_1", "get_weather", "{\"city\":"), new Finish(FinishReason.TOOL_CALLS),
                        new UsageReport(new Usage(3, 4, false))},
                {new TextDelta("partial"), new StreamError(502, "upstream_error", "upstream_failed", "gone")},
        };
        for (StreamEvent[] events : streams) {
            for (boolean includeUsage : new boolean[] {true, false}) {
                List<String> plain = encodeAll(encoder(includeUsage), events);
                List<String> framed = encodeAll(OpenAiChunkEncoder.sseFrames("chatcmpl-123", 1694268190L,
                        "gpt-4o-mini", includeUsage), events);
                assertThat(framed).isNotEmpty().hasSameSizeAs(plain);
                for (int i = 0; i < plain.size(); i++) {
                    assertThat(framed.get(i)).isEqualTo("data: " + plain.get(i) + "\n\n");
                    assertThat(plain.get(i)).doesNotContain("\n");
                }
            }
        }
    }

    /** A group of events is encoded as their frames back to back; a group that writes nothing gives no bytes. */
    @Test
    void aGroupOfEventsIsEncodedAsItsFramesBackToBack() {
        StreamEvent[] events = {new TextDelta("Hel"), new TextDelta("lo"), new Finish(FinishReason.STOP)};
        String oneByOne = String.join("", encodeAll(OpenAiChunkEncoder.sseFrames("chatcmpl-123", 1694268190L,
                "gpt-4o-mini", false), events));

        var grouped = OpenAiChunkEncoder.sseFrames("chatcmpl-123", 1694268190L, "gpt-4o-mini", false);
        String first = new String(grouped.encodeAll(List.of(events[0], events[1])), StandardCharsets.UTF_8);
        String rest = new String(grouped.encodeAll(List.of(events[2])), StandardCharsets.UTF_8);
        assertThat(first + rest).isEqualTo(oneByOne);
        assertThat(first).startsWith("data: {").endsWith("}\n\n").contains("\"content\":\"lo\"");

        var withheld = OpenAiChunkEncoder.sseFrames("chatcmpl-123", 1694268190L, "gpt-4o-mini", false);
        withheld.encodeAll(List.of(new TextDelta("x")));
        assertThat(withheld.encodeAll(List.of(new UsageReport(new Usage(1, 1, false))))).isEmpty();
    }

    /** The documented example as OpenAI prints it (with a fingerprint): equal as JSON once that is removed. */
    @Test
    void documentedExampleEqualsModuloFingerprint() {
        String documented = """
                {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", \
                "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"content":"Hello"},\
                "logprobs":null,"finish_reason":null}]}""";
        ObjectNode expected = (ObjectNode) JsonMapper.shared().readTree(documented);
        expected.remove("system_fingerprint");

        List<byte[]> chunks = encoder(false).encode(new TextDelta("Hello"));

        assertThat(chunks).hasSize(2);
        assertThat(JsonMapper.shared().readTree(chunks.get(1))).isEqualTo(expected);
    }

    @Test
    void includeUsageAddsUsageNullEverywhereAndAFinalUsageChunk() {
        List<String> chunks = encodeAll(encoder(true),
                new TextDelta("Hi"), new UsageReport(new Usage(9, 12, false)), new Finish(FinishReason.LENGTH));

        assertThat(chunks).containsExactly(
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}],"
                        + "\"usage\":null}",
                PREFIX + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,"
                        + "\"total_tokens\":21}}");
    }

    @Test
    void usageAfterFinishIsSentWhenItArrives() {
        OpenAiChunkEncoder encoder = encoder(true);
        assertThat(encodeAll(encoder, new TextDelta("a"), new Finish(FinishReason.STOP))).hasSize(3);

        List<String> late = encodeAll(encoder, new UsageReport(new Usage(1, 2, true)));

        assertThat(late).containsExactly(PREFIX + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                + "\"completion_tokens\":2,\"total_tokens\":3}}");
    }

    @Test
    void usageIsNotSentWhenNotRequested() {
        List<String> chunks = encodeAll(encoder(false),
                new TextDelta("a"), new UsageReport(new Usage(1, 2, false)), new Finish(FinishReason.STOP));

        assertThat(chunks).hasSize(3).noneMatch(chunk -> chunk.contains("usage"));
    }

    /** OpenAI's function-calling stream: role and the call's id and name in the first chunk, then arguments. */
    @Test
    void toolCallStreamMatchesOpenAisShape() {
        List<String> chunks = encodeAll(encoder(false),
                new ToolCallDelta(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", ""),
                new ToolCallDelta(0, null, null, "{\""),
                new ToolCallDelta(0, null, null, "location\":\"Paris\"}"),
                new ToolCallDelta(1, "call_2", "get_time", null),
                new Finish(FinishReason.TOOL_CALLS));

        assertThat(chunks).containsExactly(
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                        + "\"function\":{\"arguments\":\"{\\\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                        + "\"function\":{\"arguments\":\"location\\\":\\\"Paris\\\"}\"}}]},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}",
                PREFIX + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                        + "\"finish_reason\":\"tool_calls\"}]}");
    }

    @Test
    void textThenToolCallSendsTheRoleOnlyOnce() {
        List<String> chunks = encodeAll(encoder(false),
                new TextDelta("Let me check."), new ToolCallDelta(0, "c1", "f", "{}"), new Finish(FinishReason.TOOL_CALLS));

        assertThat(chunks).hasSize(4);
        assertThat(chunks.stream().filter(chunk -> chunk.contains("\"role\""))).hasSize(1);
        assertThat(chunks.get(2)).doesNotContain("\"content\"");
    }

    @Test
    void emptyCompletionStillSendsTheRoleChunk() {
        List<String> chunks = encodeAll(encoder(false), new Finish(FinishReason.STOP));

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(chunks.get(1)).contains("\"finish_reason\":\"stop\"");
    }

    @Test
    void errorBecomesAnOpenAiErrorPayload() {
        OpenAiChunkEncoder encoder = encoder(true);
        encodeAll(encoder, new TextDelta("partial"));

        List<String> chunks = encodeAll(encoder,
                new StreamError(502, "upstream_error", "upstream_disconnected", "The upstream closed the stream."));

        assertThat(chunks).containsExactly("{\"error\":{\"message\":\"The upstream closed the stream.\","
                + "\"type\":\"upstream_error\",\"param\":null,\"code\":\"upstream_disconnected\"}}");
        assertThat(new String(OpenAiChunkEncoder.encodeError(new StreamError(500, "server_error", null, "boom")),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    }

    @Test
    void textIsEscapedAndUnicodeIsKept() {
        String text = "line1\nline2 \"quoted\" \\ tab\t ctrl\u0001 é 中文 😀 </script>";
        List<byte[]> chunks = encoder(false).encode(new TextDelta(text));

        JsonNode delta = JsonMapper.shared().readTree(chunks.get(1)).get("choices").get(0).get("delta");
        assertThat(delta.get("content").stringValue()).isEqualTo(text);
        assertThat(new String(chunks.get(1), StandardCharsets.UTF_8)).doesNotContain("\n");
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        OpenAiChunkEncoder encoder = encoder(false);
        List<byte[]> chunks = encoder.encode(new TextDelta("a\uD83D"));
        List<byte[]> next = encoder.encode(new TextDelta("\uDE00b"));

        assertThat(JsonMapper.shared().readTree(chunks.get(1)).at("/choices/0/delta/content").stringValue())
                .isEqualTo("a\uFFFD");
        assertThat(JsonMapper.shared().readTree(next.get(0)).at("/choices/0/delta/content").stringValue())
                .isEqualTo("\uFFFDb");
    }

    @Test
    void sinkReceivesViewsOfOneReusedBuffer() {
        OpenAiChunkEncoder encoder = encoder(false);
        var buffers = new ArrayList<byte[]>();
        var texts = new ArrayList<String>();
        OpenAiChunkEncoder.ChunkSink sink = (buffer, offset, length) -> {
            buffers.add(buffer);
            texts.add(new String(buffer, offset, length, StandardCharsets.UTF_8));
        };

        for (int i = 0; i < 50; i++) {
            encoder.encode(new TextDelta("token " + i), sink);
        }

        assertThat(texts).hasSize(51);
        assertThat(texts.get(50)).isEqualTo(PREFIX + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token 49\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}");
        assertThat(buffers.stream().distinct()).hasSize(1);
    }

    @Test
    void eventsAfterTheEndAreRejected() {
        OpenAiChunkEncoder encoder = encoder(false);
        encoder.encode(new Finish(FinishReason.STOP));

        assertThatThrownBy(() -> encoder.encode(new TextDelta("late"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> encoder.encode(new Finish(FinishReason.STOP)))
                .isInstanceOf(IllegalStateException.class);

        OpenAiChunkEncoder failed = encoder(true);
        failed.encode(new StreamError(502, "upstream_error", null, "x"));
        assertThatThrownBy(() -> failed.encode(new UsageReport(new Usage(1, 1, false))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSecondUsageReportIsRejected() {
        OpenAiChunkEncoder encoder = encoder(true);
        encoder.encode(new UsageReport(new Usage(1, 1, false)));

        assertThatThrownBy(() -> encoder.encode(new UsageReport(new Usage(1, 1, false))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailingSinkDoesNotCorruptLaterChunks() {
        OpenAiChunkEncoder encoder = encoder(false);
        encoder.encode(new TextDelta("a"));
        assertThatThrownBy(() -> encoder.encode(new TextDelta("b"), (buffer, offset, length) -> {
            throw new IllegalStateException("connection closed");
        })).hasMessage("connection closed");

        List<byte[]> chunks = encoder.encode(new TextDelta("c"));

        assertThat(new String(chunks.get(0), StandardCharsets.UTF_8)).isEqualTo(PREFIX
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"c\"},\"logprobs\":null,\"finish_reason\":null}]}");
    }

    @Test
    void closeReleasesAndTheEncoderStillWorks() {
        OpenAiChunkEncoder encoder = encoder(false);
        encoder.encode(new TextDelta("a"));
        encoder.close();

        assertThat(new String(encoder.encode(new TextDelta("b")).get(0), StandardCharsets.UTF_8))
                .endsWith("\"delta\":{\"content\":\"b\"},\"logprobs\":null,\"finish_reason\":null}]}");
    }

    /** Text chunks are written without a generator; they read back as the generator would have written them. */
    @Test
    void textChunksAreTheBytesJacksonWouldWrite() {
        JsonMapper mapper = JsonMapper.builder().build();
        List<String> models = List.of("gpt-4o-mini", "mödel \"quoted\" \\ /slash", "模型\u0001");
        List<String> texts = List.of("Hello", "", "line\nbreak\ttab", "\"\\", "日本 😀", "\u0000\u001f\u007f",
                "x".repeat(3000));
        for (String model : models) {
            for (boolean includeUsage : new boolean[] {false, true}) {
                var encoder = new OpenAiChunkEncoder("chatcmpl-9", 1L, model, includeUsage);
                encoder.encode(new TextDelta("first"));
                for (String text : texts) {
                    String chunk = new String(encoder.encode(new TextDelta(text)).getFirst(), StandardCharsets.UTF_8);
                    JsonNode tree = mapper.readTree(chunk);
                    assertThat(tree.path("model").asString()).isEqualTo(model);
                    assertThat(tree.path("choices").get(0).path("delta").path("content").asString()).isEqualTo(text);
                    assertThat(mapper.writeValueAsString(tree)).isEqualTo(chunk);
                }
            }
        }
    }
}
