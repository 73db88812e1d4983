package dev.streamgate.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatRequestParser;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    private static ChatCompletionRequest request(String json) {
        return new ChatRequestParser().parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textIsAboutFourBytesPerToken() {
        assertThat(TokenEstimator.textTokens("")).isZero();
        assertThat(TokenEstimator.textTokens("a")).isEqualTo(1);
        assertThat(TokenEstimator.textTokens("abcd")).isEqualTo(1);
        assertThat(TokenEstimator.textTokens("abcde")).isEqualTo(2);
        assertThat(TokenEstimator.textTokens("x".repeat(400))).isEqualTo(100);
    }

    @Test
    void multiByteScriptsAreNotUndercountedFourfold() {
        // Two CJK characters are two tokens or more in OpenAI's tokenizers; chars/4 would say one.
        assertThat(TokenEstimator.textTokens("中文")).isEqualTo(2);
        assertThat(TokenEstimator.textTokens("中文中文中文中文")).isEqualTo(6);
        assertThat(TokenEstimator.textTokens("😀")).isEqualTo(1);
        assertThat(TokenEstimator.textTokens("😀😀😀")).isEqualTo(3);
    }

    @Test
    void utf8LengthMatchesTheEncoder() {
        for (String text : List.of("", "plain", "é", "ü ß ø", "中文", "😀", "a😀b中é\n\t", "\u07FF\u0800\uFFFF")) {
            assertThat(TokenEstimator.utf8Length(text)).as(text)
                    .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void promptCountsCookbookFramingPerMessage() {
        ChatCompletionRequest request = request("""
                {"model":"m","messages":[
                  {"role":"system","content":"You are helpful."},
                  {"role":"user","content":"Hello!"}]}""");
        // 3 priming + (3 + ceil(16/4)) + (3 + ceil(6/4))
        assertThat(TokenEstimator.promptTokens(request)).isEqualTo(3 + 7 + 5);
        assertThat(TokenEstimator.promptTokens(request.messages())).isEqualTo(15);
    }

    @Test
    void namesCostATokenPlusTheirText() {
        ChatCompletionRequest request = request("""
                {"model":"m","messages":[{"role":"user","name":"example_user","content":"Hello!"}]}""");
        assertThat(TokenEstimator.promptTokens(request)).isEqualTo(3 + 3 + 2 + 1 + 3);
    }

    /**
     * The example conversation of OpenAI's cookbook "How to count tokens with tiktoken", which it counts at 129
     * prompt tokens for gpt-4: the estimate lands within a quarter of that.
     */
    @Test
    void cookbookExampleIsCloseToTheRealCount() {
        ChatCompletionRequest request = request("""
                {"model":"gpt-4","messages":[
                 {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
                 {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
                 {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
                 {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
                 {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
                 {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}]}""");
        assertThat(TokenEstimator.promptTokens(request)).isBetween(97, 161);
    }

    @Test
    void imagesToolCallsAndToolDefinitionsCount() {
        int plain = TokenEstimator.promptTokens(request("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}]}]}"""));
        int withImage = TokenEstimator.promptTokens(request("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"""));
        assertThat(withImage - plain).isEqualTo(TokenEstimator.NON_TEXT_PART_TOKENS);

        int withTools = TokenEstimator.promptTokens(request("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather for a city",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}"""));
        assertThat(withTools).isGreaterThan(plain + 10);

        int withCall = TokenEstimator.promptTokens(request("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"}]},
                  {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]}]}"""));
        assertThat(withCall).isGreaterThan(plain + TokenEstimator.TOKENS_PER_MESSAGE + 5);
    }

    @Test
    void completionCounterRoundsOnceOverTheWholeStream() {
        var counter = new CompletionTokenCounter();
        for (char c : "abcdefgh".toCharArray()) {
            counter.accept(new StreamEvent.TextDelta(String.valueOf(c)));
        }
        assertThat(counter.completionTokens()).isEqualTo(2);

        counter.accept(new StreamEvent.ToolCallDelta(0, "call_1", "abcd", null));
        counter.accept(new StreamEvent.ToolCallDelta(0, null, null, "{\"a\":1}"));
        counter.accept(new StreamEvent.UsageReport(new Usage(100, 100, false)));
        counter.accept(new StreamEvent.Finish(FinishReason.STOP));
        assertThat(counter.completionTokens()).isEqualTo(5);
        assertThat(counter.estimatedUsage(12)).isEqualTo(new Usage(12, 5, true));
    }
}
