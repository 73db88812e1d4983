package dev.streamgate.streaming.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.streamgate.streaming.openai.ChatMessage.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class ChatRequestParserTest {
    private final ChatRequestParser parser = new ChatRequestParser();

    private ChatCompletionRequest parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A minimal valid body with {@code extra} spliced in as further top-level fields. */
    private static String body(String extra) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private InvalidRequestException rejected(String json) {
        try {
            parse(json);
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    private void assertRejected(String json, String param, String code) {
        InvalidRequestException e = rejected(json);
        assertThat(e.param()).as("param of " + json).isEqualTo(param);
        assertThat(e.code()).as("code of " + json).isEqualTo(code);
        assertThat(e.getMessage()).isNotBlank();
        if (param != null) {
            assertThat(e.getMessage()).contains(param);
        }
    }

    @Test
    void parsesAFullRequest() {
        ChatCompletionRequest request = parse("""
                {"model":"gpt-4o-mini",
                 "messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"developer","content":"No emojis."},
                   {"role":"user","name":"ana","content":[{"type":"text","text":"What is"},
                      {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
                      {"type":"text","text":"in this picture?"}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                      "function":{"name":"look","arguments":"{}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
                 "max_tokens":100, "temperature":0.7, "top_p":0.9, "stop":["\\n\\n","END"], "seed":42,
                 "user":"u-1", "stream":true, "stream_options":{"include_usage":true}, "n":1,
                 "presence_penalty":-1.5, "frequency_penalty":2,
                 "tools":[{"type":"function","function":{"name":"look","parameters":{"type":"object"}}}],
                 "tool_choice":"auto", "response_format":{"type":"json_object"},
                 "logprobs":false, "x_custom":{"kept":true}}
                """);

        assertThat(request.model()).isEqualTo("gpt-4o-mini");
        assertThat(request.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.SYSTEM, Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL);
        ChatMessage user = request.messages().get(2);
        assertThat(user.text()).isEqualTo("What is\nin this picture?");
        assertThat(user.name()).isEqualTo("ana");
        assertThat(user.raw().get("content").get(1).get("image_url").get("url").stringValue())
                .isEqualTo("https://example.com/a.png");
        assertThat(request.messages().get(3).text()).isEmpty();
        assertThat(request.messages().get(4).toolCallId()).isEqualTo("call_1");
        assertThat(request.messages().get(4).text()).isEqualTo("a cat");
        assertThat(request.maxTokens()).isEqualTo(100);
        assertThat(request.temperature()).isEqualTo(0.7);
        assertThat(request.topP()).isEqualTo(0.9);
        assertThat(request.stop()).containsExactly("\n\n", "END");
        assertThat(request.seed()).isEqualTo(42L);
        assertThat(request.user()).isEqualTo("u-1");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.raw().get("tools").get(0).get("function").get("name").stringValue()).isEqualTo("look");
        assertThat(request.raw().get("tool_choice").stringValue()).isEqualTo("auto");
        assertThat(request.raw().get("x_custom").get("kept").booleanValue()).isTrue();
    }

    @Test
    void optionalFieldsDefaultWhenAbsentOrNull() {
        ChatCompletionRequest request = parse(body("\"temperature\":null,\"stop\":null,\"stream\":null,"
                + "\"stream_options\":null,\"n\":null,\"max_tokens\":null,\"seed\":null,\"user\":null"));
        assertThat(request.maxTokens()).isNull();
        assertThat(request.temperature()).isNull();
        assertThat(request.topP()).isNull();
        assertThat(request.stop()).isEmpty();
        assertThat(request.seed()).isNull();
        assertThat(request.user()).isNull();
        assertThat(request.stream()).isFalse();
        assertThat(request.includeUsage()).isFalse();
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        assertThat(parse(body("\"max_tokens\":10,\"max_completion_tokens\":20")).maxTokens()).isEqualTo(20);
        assertThat(parse(body("\"max_completion_tokens\":7")).maxTokens()).isEqualTo(7);
        assertThat(parse(body("\"max_tokens\":5")).maxTokens()).isEqualTo(5);
    }

    @Test
    void stopMayBeAStringOrUpToFourStrings() {
        assertThat(parse(body("\"stop\":\"END\"")).stop()).containsExactly("END");
        assertThat(parse(body("\"stop\":[]")).stop()).isEmpty();
        assertThat(parse(body("\"stop\":[\"a\",\"b\",\"c\",\"d\"]")).stop()).containsExactly("a", "b", "c", "d");
        assertRejected(body("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]"), "stop", "invalid_value");
        assertRejected(body("\"stop\":[\"a\",\"\"]"), "stop[1]", "invalid_value");
        assertRejected(body("\"stop\":\"\""), "stop", "invalid_value");
        assertRejected(body("\"stop\":[\"a\",3]"), "stop[1]", "invalid_type");
        assertRejected(body("\"stop\":7"), "stop", "invalid_type");
    }

    @Test
    void rangeBoundariesAreInclusiveWhereOpenAiIs() {
        assertThat(parse(body("\"temperature\":0")).temperature()).isZero();
        assertThat(parse(body("\"temperature\":2")).temperature()).isEqualTo(2.0);
        assertThat(parse(body("\"top_p\":1")).topP()).isEqualTo(1.0);
        assertThat(parse(body("\"top_p\":1e-9")).topP()).isEqualTo(1e-9);
        parse(body("\"presence_penalty\":-2,\"frequency_penalty\":2"));
        assertThat(parse(body("\"max_tokens\":2147483647")).maxTokens()).isEqualTo(Integer.MAX_VALUE);
        assertThat(parse(body("\"seed\":-9223372036854775808")).seed()).isEqualTo(Long.MIN_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"temperature\":2.01           | temperature           | invalid_value",
            "\"temperature\":-0.1           | temperature           | invalid_value",
            "\"temperature\":1e400          | temperature           | invalid_value",
            "\"temperature\":\"hot\"        | temperature           | invalid_type",
            "\"top_p\":0                    | top_p                 | invalid_value",
            "\"top_p\":1.5                  | top_p                 | invalid_value",
            "\"top_p\":true                 | top_p                 | invalid_type",
            "\"presence_penalty\":2.5       | presence_penalty      | invalid_value",
            "\"frequency_penalty\":-3       | frequency_penalty     | invalid_value",
            "\"frequency_penalty\":[]       | frequency_penalty     | invalid_type",
            "\"max_tokens\":0               | max_tokens            | invalid_value",
            "\"max_tokens\":-5              | max_tokens            | invalid_value",
            "\"max_tokens\":2147483648      | max_tokens            | invalid_value",
            "\"max_tokens\":1.5             | max_tokens            | invalid_type",
            "\"max_tokens\":\"10\"          | max_tokens            | invalid_type",
            "\"max_completion_tokens\":0    | max_completion_tokens | invalid_value",
            "\"max_completion_tokens\":{}   | max_completion_tokens | invalid_type",
            "\"seed\":1.5                   | seed                  | invalid_type",
            "\"seed\":99999999999999999999  | seed                  | invalid_value",
            "\"user\":5                     | user                  | invalid_type",
            "\"stream\":\"true\"            | stream                | invalid_type",
            "\"stream\":1                   | stream                | invalid_type",
            "\"n\":2                        | n                     | unsupported_value",
            "\"n\":0                        | n                     | invalid_value",
            "\"n\":\"1\"                    | n                     | invalid_type",
            "\"tools\":{}                   | tools                 | invalid_type",
            "\"tools\":[1]                  | tools[0]              | invalid_type",
            "\"tools\":[{}]                 | tools[0].type         | missing_required_parameter",
            "\"tools\":[{\"type\":\"function\"}]                   | tools[0].function      | missing_required_parameter",
            "\"tools\":[{\"type\":\"function\",\"function\":{}}]   | tools[0].function.name | missing_required_parameter",
            "\"tools\":[{\"type\":\"retrieval\"}]                  | tools[0].type          | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a.b\"}}]          | tools[0].function.name | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\"}}]             | tools[0].function.name | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"{}\"}}] | tools[0].function.parameters | invalid_type",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]   | tools[0].function.parameters | invalid_type",
            "\"tools\":[{\"type\":\"custom\"}]                     | tools[0].custom        | missing_required_parameter",
            "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"has space\"}}]       | tools[0].custom.name   | invalid_value",
            "\"tool_choice\":\"sometimes\"  | tool_choice           | invalid_value",
            "\"tool_choice\":3              | tool_choice           | invalid_type",
            "\"tool_choice\":{}             | tool_choice.type      | missing_required_parameter",
            "\"response_format\":\"json\"   | response_format       | invalid_type",
            "\"response_format\":{}         | response_format.type  | missing_required_parameter",
            "\"response_format\":{\"type\":\"yaml\"}         | response_format.type        | invalid_value",
            "\"response_format\":{\"type\":\"json_schema\"}  | response_format.json_schema | missing_required_parameter",
    })
    void rejectsInvalidTopLevelFields(String field, String param, String code) {
        assertRejected(body(field), param, code);
    }

    @Test
    void wellFormedFunctionAndCustomToolsAreAccepted() {
        parse(body("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather-2\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"" + "f".repeat(64) + "\",\"parameters\":{}}},"
                + "{\"type\":\"custom\",\"custom\":{\"name\":\"grammar_tool\"}}]"));
        assertRejected(body("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"" + "f".repeat(65) + "\"}}]"),
                "tools[0].function.name", "invalid_value");
    }

    @Test
    void nIsAcceptedWhenOne() {
        parse(body("\"n\":1"));
    }

    @Test
    void streamOptionsOnlyWithStreaming() {
        assertRejected(body("\"stream_options\":{\"include_usage\":true}"), "stream_options", "invalid_value");
        assertRejected(body("\"stream\":false,\"stream_options\":{}"), "stream_options", "invalid_value");
        assertRejected(body("\"stream\":true,\"stream_options\":true"), "stream_options", "invalid_type");
        assertRejected(body("\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}"),
                "stream_options.include_usage", "invalid_type");
        assertThat(parse(body("\"stream\":true,\"stream_options\":{}")).includeUsage()).isFalse();
        assertThat(parse(body("\"stream\":true,\"stream_options\":{\"include_usage\":false}")).includeUsage())
                .isFalse();
    }

    @Test
    void modelIsRequired() {
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model",
                "missing_required_parameter");
        assertRejected("{\"model\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model",
                "missing_required_parameter");
        assertRejected("{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model",
                "invalid_value");
        assertRejected("{\"model\":\"  \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model",
                "invalid_value");
        assertRejected("{\"model\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model",
                "invalid_type");
    }

    @Test
    void messagesAreRequiredAndNonEmpty() {
        assertRejected("{\"model\":\"m\"}", "messages", "missing_required_parameter");
        assertRejected("{\"model\":\"m\",\"messages\":[]}", "messages", "invalid_value");
        assertRejected("{\"model\":\"m\",\"messages\":{}}", "messages", "invalid_type");
        assertRejected("{\"model\":\"m\",\"messages\":\"hi\"}", "messages", "invalid_type");
    }

    private static String messages(String... messages) {
        return "{\"model\":\"m\",\"messages\":[" + String.join(",", messages) + "]}";
    }

    private static final String OK = "{\"role\":\"user\",\"content\":\"hi\"}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"hi\"                                           | messages[1]                 | invalid_type",
            "{\"content\":\"x\"}                              | messages[1].role            | missing_required_parameter",
            "{\"role\":\"robot\",\"content\":\"x\"}           | messages[1].role            | invalid_value",
            "{\"role\":\"function\",\"content\":\"x\"}        | messages[1].role            | invalid_value",
            "{\"role\":7,\"content\":\"x\"}                   | messages[1].role            | invalid_type",
            "{\"role\":\"user\"}                              | messages[1].content         | missing_required_parameter",
            "{\"role\":\"user\",\"content\":null}             | messages[1].content         | invalid_type",
            "{\"role\":\"user\",\"content\":5}                | messages[1].content         | invalid_type",
            "{\"role\":\"user\",\"content\":{}}               | messages[1].content         | invalid_type",
            "{\"role\":\"user\",\"content\":[]}               | messages[1].content         | invalid_value",
            "{\"role\":\"user\",\"content\":[\"x\"]}          | messages[1].content[0]      | invalid_type",
            "{\"role\":\"user\",\"content\":[{}]}             | messages[1].content[0].type | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}              | messages[1].content[0].type      | invalid_value",
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}               | messages[1].content[0].text      | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":1}]}    | messages[1].content[0].text      | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}          | messages[1].content[0].image_url | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"u\"}]} | messages[1].content[0].image_url | invalid_type",
            "{\"role\":\"user\",\"name\":3,\"content\":\"x\"}                    | messages[1].name                 | invalid_type",
            "{\"role\":\"assistant\"}                                            | messages[1].content              | missing_required_parameter",
            "{\"role\":\"assistant\",\"content\":null}                           | messages[1].content              | invalid_type",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}         | messages[1].content              | invalid_type",
            "{\"role\":\"assistant\",\"tool_calls\":{}}                          | messages[1].tool_calls           | invalid_type",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]} | messages[1].tool_calls[0].id | missing_required_parameter",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"custom\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]} | messages[1].tool_calls[0].type | invalid_value",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}]} | messages[1].tool_calls[0].function | missing_required_parameter",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}]} | messages[1].tool_calls[0].function.name | missing_required_parameter",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]} | messages[1].tool_calls[0].function.arguments | invalid_type",
            "{\"role\":\"tool\",\"content\":\"x\"}                               | messages[1].tool_call_id         | missing_required_parameter",
            "{\"role\":\"tool\",\"tool_call_id\":1,\"content\":\"x\"}            | messages[1].tool_call_id         | invalid_type",
            "{\"role\":\"tool\",\"tool_call_id\":\"c\"}                          | messages[1].content              | missing_required_parameter",
    })
    void rejectsInvalidMessages(String message, String param, String code) {
        assertRejected(messages(OK, message), param, code);
    }

    @Test
    void assistantMayOmitContentWhenItCallsTools() {
        ChatCompletionRequest request = parse(messages(OK,
                "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}",
                "{\"role\":\"assistant\",\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}}"));
        assertThat(request.messages().get(1).text()).isEmpty();
        assertThat(request.messages().get(2).text()).isEmpty();
    }

    @Test
    void nonTextPartsContributeNoTextButStayInRaw() {
        ChatCompletionRequest request = parse(messages("{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}},"
                + "{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}}]}",
                "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"},"
                        + "{\"type\":\"text\",\"text\":\"ok\"}]}"));
        assertThat(request.messages().get(0).text()).isEmpty();
        assertThat(request.messages().get(0).raw().get("content")).hasSize(2);
        assertThat(request.messages().get(1).text()).isEqualTo("ok");
    }

    @Test
    void emptyStringContentIsAllowed() {
        assertThat(parse(messages("{\"role\":\"user\",\"content\":\"\"}")).messages().get(0).text()).isEmpty();
    }

    @Test
    void malformedJsonIsInvalidJson() {
        for (String junk : List.of("", "   ", "{", "{\"model\":", "not json", "{\"model\":\"m\"} trailing",
                "{\"model\":\"m\",}", "[1,2")) {
            InvalidRequestException e = rejected(junk);
            assertThat(e.param()).as(junk).isNull();
            assertThat(e.code()).as(junk).isEqualTo("invalid_json");
        }
    }

    @Test
    void bodyMustBeAnObject() {
        for (String json : List.of("[]", "\"text\"", "42", "null", "true")) {
            InvalidRequestException e = rejected(json);
            assertThat(e.param()).as(json).isNull();
            assertThat(e.code()).as(json).isEqualTo("invalid_type");
        }
    }

    @Test
    void deeplyNestedJunkIsRejectedByJacksonsConstraints() {
        String deep = "{\"model\":\"m\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        InvalidRequestException e = rejected(deep);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).containsIgnoringCase("depth");
    }

    @Test
    void acceptsAParsedTree() {
        var tree = JsonMapper.shared().readTree(body("\"stream\":true"));
        ChatCompletionRequest request = parser.parse(tree);
        assertThat(request.stream()).isTrue();
        assertThat(request.raw()).isSameAs(tree);
    }

    @Test
    void messagesDescribeWhatWasExpected() {
        assertThat(rejected(body("\"temperature\":\"hot\"")).getMessage())
                .isEqualTo("Invalid type for 'temperature': expected a number, but got a string instead.");
        assertThat(rejected(body("\"temperature\":3")).getMessage())
                .isEqualTo("Invalid 'temperature': expected a number between 0 and 2, but got 3 instead.");
        assertThat(rejected("{\"model\":\"m\"}").getMessage())
                .isEqualTo("Missing required parameter: 'messages'.");
    }
}
