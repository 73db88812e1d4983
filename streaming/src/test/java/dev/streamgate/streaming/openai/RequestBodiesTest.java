package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestBodiesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\": | invalid_json",
            "'' | invalid_json",
            "{\"a\":1} {\"b\":2} | invalid_json",
            "[1, 2] | invalid_type",
            "\"text\" | invalid_type"})
    void aBodyThatIsNotOneJsonObjectIsRefusedAsTheChatParserRefusesIt(String body, String code) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        InvalidRequestException read = catchThrowableOfType(InvalidRequestException.class,
                () -> RequestBodies.readObject(bytes));
        InvalidRequestException chat = catchThrowableOfType(InvalidRequestException.class,
                () -> new ChatRequestParser().parse(bytes));

        assertThat(read.code()).isEqualTo(code);
        assertThat(read.param()).isNull();
        assertThat(read.getMessage()).isEqualTo(chat.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"prompt\": \"hi\"} | hi"})
    void anObjectIsReturned(String body, String prompt) {
        assertThat(RequestBodies.readObject(body.getBytes(StandardCharsets.UTF_8)).get("prompt").stringValue())
                .isEqualTo(prompt);
    }
}
