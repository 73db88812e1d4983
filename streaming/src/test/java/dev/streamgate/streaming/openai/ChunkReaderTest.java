package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.sse.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token-stream chunk reader decodes every chunk exactly as the tree reader does. */
class ChunkReaderTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"lo\"},\"index\":0}],\"system_fingerprint\":\"fp\"}",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"index\":1},{\"delta\":{\"content\":\"y\"},\"index\":0}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"index\":0,\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"},\"finish_reason\":\"content_filter\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}",
            "{\"choices\":null,\"usage\":null}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\",\"extra\":{\"nested\":[1,{\"a\":[]}]}}}],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\u00e9\\ud83d\\ude00 \\\"q\\\"\"}}]}",
            "{\"choices\":[{\"index\":0.0,\"delta\":{\"content\":\"not index 0\"}}]}",
    })
    void decodesAsTheTreeReaderDoes(String chunk) {
        assertThat(streamed(chunk)).isEqualTo(tree(chunk));
        assertThat(fromBytes(chunk)).isEqualTo(tree(chunk));
    }

    @Test
    void malformedUtf8InAChunkIsReadAsTheReplacementCharacter() {
        byte[] prefix = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "b\"}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] chunk = new byte[prefix.length + 1 + suffix.length];
        System.arraycopy(prefix, 0, chunk, 0, prefix.length);
        chunk[prefix.length] = (byte) 0xff;  // never valid in UTF-8
        System.arraycopy(suffix, 0, chunk, prefix.length + 1, suffix.length);

        var decoder = new OpenAiChunkDecoder();
        assertThat(decoder.decode(SseEvent.ofUtf8(SseEvent.DEFAULT_EVENT, chunk, null)))
                .containsExactly(new StreamEvent.TextDelta("a\ufffdb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{\"choices\":{}}",
            "{\"choices\":[1]}",
            "{\"choices\":[{\"index\":0,\"delta\":[]}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":{}}]}",
            "{\"usage\":{\"prompt_tokens\":-1}}",
            "{\"choices\":[]} trailing",
            "{\"choices\":[",
    })
    void refusesWhatTheTreeReaderRefuses(String chunk) {
        assertThatThrownBy(() -> tree(chunk)).isInstanceOf(MalformedResponseException.class);
        assertThatThrownBy(() -> streamed(chunk)).isInstanceOf(MalformedResponseException.class);
        assertThatThrownBy(() -> fromBytes(chunk)).isInstanceOf(MalformedResponseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":503}}",
            "{\"choices\":[],\"error\":\"boom\"}",
            "{\"object\":\"error\",\"message\":\"bad\",\"code\":400}",
    })
    void errorsEndTheStreamAsTheTreeReaderDecidesThem(String chunk) {
        List<StreamEvent> events = streamed(chunk);
        assertThat(events).isEqualTo(tree(chunk));
        assertThat(fromBytes(chunk)).isEqualTo(events);
        assertThat(events.getLast()).isInstanceOf(StreamEvent.StreamError.class);
    }

    /** The stream's events for one chunk, with the held finish and usage released. */
    private static List<StreamEvent> streamed(String chunk) {
        var decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>(decoder.decode(chunk));
        events.addAll(decoder.complete());
        return events;
    }

    /** The same, from the event's UTF-8 bytes as the SSE parser hands them over. */
    private static List<StreamEvent> fromBytes(String chunk) {
        var decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>(decoder.decode(
                SseEvent.ofUtf8(SseEvent.DEFAULT_EVENT, chunk.getBytes(StandardCharsets.UTF_8), null)));
        events.addAll(decoder.complete());
        return events;
    }

    private static List<StreamEvent> tree(String chunk) {
        var decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>(decoder.decode(UpstreamResponses.parse(chunk)));
        events.addAll(decoder.complete());
        return events;
    }
}
