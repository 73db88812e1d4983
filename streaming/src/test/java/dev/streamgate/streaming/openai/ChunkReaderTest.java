package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.StreamEvent;
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
        assertThat(events.getLast()).isInstanceOf(StreamEvent.StreamError.class);
    }

    /** The stream's events for one chunk, with the held finish and usage released. */
    private static List<StreamEvent> streamed(String chunk) {
        var decoder = new OpenAiChunkDecoder();
        List<StreamEvent> events = new ArrayList<>(decoder.decode(chunk));
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
