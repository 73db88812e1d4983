package dev.streamgate.worker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.streamgate.streaming.openai.InvalidRequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ErrorResponsesTest {
    private static final RequestContext CONTEXT = new RequestContext("req-1", "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7", "01");

    private static JsonNode error(JsonBody body) {
        return JsonMapper.shared().readTree(body.json()).get("error");
    }

    @Test
    void anUnexpectedExceptionsMessageNeverReachesTheClient() {
        JsonBody body = ErrorResponses.of(
                new IllegalStateException("cannot open /var/lib/models/secret/weights.bin"), CONTEXT);

        assertThat(body.status().code()).isEqualTo(500);
        assertThat(new String(body.json(), StandardCharsets.UTF_8)).doesNotContain("secret").doesNotContain("/var");
        assertThat(error(body).get("message").stringValue()).isEqualTo(ErrorResponses.INTERNAL_MESSAGE);
        assertThat(error(body).get("type").stringValue()).isEqualTo("server_error");
        assertThat(error(body).get("code").stringValue()).isEqualTo("internal_error");
        assertThat(error(body).get("param").isNull()).isTrue();
    }

    @Test
    void aClientErrorKeepsItsMessageAndParam() {
        JsonBody body = ErrorResponses.of(new InvalidRequestException("top_p", "invalid_value",
                "Invalid 'top_p': expected a number greater than 0 and at most 1, but got 1.5 instead."), CONTEXT);

        assertThat(body.status().code()).isEqualTo(400);
        assertThat(error(body).get("message").stringValue()).isEqualTo(
                "Invalid 'top_p': expected a number greater than 0 and at most 1, but got 1.5 instead.");
        assertThat(error(body).get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error(body).get("param").stringValue()).isEqualTo("top_p");
        assertThat(error(body).get("code").stringValue()).isEqualTo("invalid_value");
    }

    @Test
    void aWorkerThatIsNotReadyIsA503() {
        JsonBody body = ErrorResponses.of(new ErrorResponses.ModelNotLoadedException(), CONTEXT);

        assertThat(body.status().code()).isEqualTo(503);
        assertThat(error(body).get("code").stringValue()).isEqualTo("model_not_ready");
    }
}
