package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.streamgate.streaming.StreamEvent.StreamError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenAiErrorJsonTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void writesTheFourFieldsInOpenAisOrder() {
        assertThat(text(OpenAiErrorJson.toBytes("Invalid 'n'.", "invalid_request_error", "n", "invalid_value")))
                .isEqualTo("{\"error\":{\"message\":\"Invalid 'n'.\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"n\",\"code\":\"invalid_value\"}}");
    }

    @Test
    void anAbsentParamTypeOrCodeIsNullAndAnAbsentMessageIsEmpty() {
        assertThat(text(OpenAiErrorJson.toBytes(null, null, null, null)))
                .isEqualTo("{\"error\":{\"message\":\"\",\"type\":null,\"param\":null,\"code\":null}}");
    }

    @Test
    void escapesQuotesControlCharactersAndKeepsUnicode() {
        String message = "bad \"value\"\n\\ tab\t ctrl\u0001 é 中文 😀 </script>";
        byte[] json = OpenAiErrorJson.toBytes(message, "invalid_request_error", "messages[0].content", "x\"y");

        assertThat(text(json)).doesNotContain("\n").contains("\\\"value\\\"");
        JsonNode error = JsonMapper.shared().readTree(json).get("error");
        assertThat(error.get("message").stringValue()).isEqualTo(message);
        assertThat(error.get("param").stringValue()).isEqualTo("messages[0].content");
        assertThat(error.get("code").stringValue()).isEqualTo("x\"y");
    }

    @Test
    void aLoneSurrogateBecomesAReplacementCharacterSoTheBytesStayValidUtf8() throws Exception {
        byte[] json = OpenAiErrorJson.toBytes("broken \uD83D text", "server_error", null, null);

        assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(json)).toString())
                .contains("broken \uFFFD text");
    }

    @Test
    void aStreamErrorNeverNamesAParamAndMatchesTheInStreamFrame() {
        StreamError error = new StreamError(502, "upstream_error", "upstream_disconnected", "closed");

        assertThat(text(OpenAiErrorJson.toBytes(error))).isEqualTo("{\"error\":{\"message\":\"closed\","
                + "\"type\":\"upstream_error\",\"param\":null,\"code\":\"upstream_disconnected\"}}");
        assertThat(OpenAiChunkEncoder.encodeError(error)).isEqualTo(OpenAiErrorJson.toBytes(error));
    }
}
