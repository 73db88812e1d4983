package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.worker.testsupport.FakeEngine;
import dev.streamgate.worker.testsupport.FakeEngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The in-process API the gateway uses, on the fake engine and the llama-gqa-f32 fixture's tokenizer and template. */
class WorkerRuntimeTest {
    private static final String MODEL = "llama-gqa-f32";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final FakeEngineFactory ENGINES = new FakeEngineFactory(Duration.ZERO);
    private static WorkerRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = WorkerRuntime.builder(Fixtures.folder(MODEL)).engineFactory(ENGINES)
                .seeds(new SplittableRandom(42)).start();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        assertThat(ENGINES.opened()).allSatisfy(e -> assertThat(e.closed()).isTrue());
        assertThat(ENGINES.violations()).isEmpty();
    }

    @Test
    void chatStreamsTextThenUsageThenFinishFromTheTemplatesPromptTokens() {
        JsonNode chat = Fixtures.expected(MODEL).path("chats").get(0);
        int[] expectedPrompt = Fixtures.ints(chat.path("input_ids"));

        List<StreamEvent> events = runtime.chat(chat(8, null, "Stream the answer.")).collectList().block(TIMEOUT);

        assertThat(events).hasSizeGreaterThan(2);
        assertThat(events.subList(0, events.size() - 2)).allSatisfy(e ->
                assertThat(e).isInstanceOf(StreamEvent.TextDelta.class));
        assertThat(events.get(events.size() - 2))
                .isEqualTo(new StreamEvent.UsageReport(new Usage(expectedPrompt.length, 8, false)));
        assertThat(events.getLast()).isEqualTo(new StreamEvent.Finish(FinishReason.LENGTH));
        assertThat(ENGINES.opened().getFirst().steps()).flatMap(s -> s)
                .filteredOn(e -> e.position() == 0 && e.count() == expectedPrompt.length)
                .anySatisfy(e -> assertThat(e.tokens()).containsExactly(expectedPrompt));
    }

    @Test
    void streamedTextIsTheDecodingOfTheStreamedTokens() {
        PreparedRequest prepared = runtime.prepareChat(chat(24, null, "Stream the answer."));
        List<GenerationEvent> events = runtime.generate(prepared).collectList().block(TIMEOUT);
        List<Integer> ids = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (GenerationEvent event : events) {
            if (event instanceof GenerationEvent.Token token) {
                ids.add(token.tokenId());
                text.append(token.text());
            }
        }
        try (var tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(
                Fixtures.folder(MODEL).resolve("tokenizer.json"))) {
            assertThat(text.toString())
                    .isEqualTo(tokenizer.decode(ids.stream().mapToLong(Integer::longValue).toArray(), true));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void seededSamplingIsReproducible() {
        List<Integer> first = sampledTokens(7L);
        List<Integer> again = sampledTokens(7L);
        List<Integer> other = sampledTokens(8L);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void invalidRequestsFailBeforeAnyEventNamingTheParameter() {
        assertInvalid(new ChatCompletionRequest("gpt-4o", List.of(user("hi")), 8, null, null, null, null, null,
                false, false, null), "model", "model_not_found");
        assertInvalid(chat(8, null, "word ".repeat(600)), "messages", "context_length_exceeded");
        assertInvalid(chat(600, null, "hi"), "max_tokens", "context_length_exceeded");
        assertInvalid(chat(8, body("temperature", 2.5), "hi"), "temperature", "invalid_value");
        assertInvalid(chat(8, body("top_p", 0), "hi"), "top_p", "invalid_value");
        assertInvalid(chat(8, body("n", 2), "hi"), "n", "unsupported_value");
        assertInvalid(new ChatCompletionRequest(MODEL, List.of(), 8, null, null, null, null, null, false, false,
                null), "messages", "invalid_value");
    }

    @Test
    void closingTheRuntimeEndsLiveStreamsWithAnError() {
        FakeEngineFactory slow = new FakeEngineFactory(Duration.ofMillis(5));
        WorkerRuntime closing = WorkerRuntime.builder(Fixtures.folder(MODEL)).engineFactory(slow).start();
        StepVerifier.create(closing.chat(chat(400, null, "hi")))
                .expectNextMatches(e -> e instanceof StreamEvent.TextDelta)
                .then(closing::close)
                .thenConsumeWhile(e -> e instanceof StreamEvent.TextDelta)
                .expectNextMatches(e -> e instanceof StreamEvent.StreamError error && error.status() == 500)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(closing.ready()).isFalse();
        assertThat(slow.opened()).allSatisfy(e -> assertThat(e.closed()).isTrue());
    }

    @Test
    void theGreedyTokensTheEngineSampledAreTheOnesReported() {
        PreparedRequest prepared = runtime.prepareChat(chat(5, null, "Stream the answer."));
        List<GenerationEvent> events = runtime.generate(prepared).collectList().block(TIMEOUT);
        FakeEngine.NextToken model = FakeEngine.hashing(5, 512);
        int[] context = prepared.promptTokens();
        for (GenerationEvent event : events) {
            if (event instanceof GenerationEvent.Token token) {
                int expected = model.next(context, prepared.settings().sampling());
                assertThat(token.tokenId()).isEqualTo(expected);
                context = java.util.Arrays.copyOf(context, context.length + 1);
                context[context.length - 1] = expected;
            }
        }
        assertThat(context).hasSize(prepared.promptTokens().length + 5);
    }

    private static List<Integer> sampledTokens(long seed) {
        ObjectNode raw = body("seed", seed);
        raw.put("temperature", 0.8);
        return runtime.generate(runtime.prepareChat(chat(6, raw, "Stream the answer.")))
                .ofType(GenerationEvent.Token.class).map(GenerationEvent.Token::tokenId).collectList()
                .block(TIMEOUT);
    }

    private static void assertInvalid(ChatCompletionRequest request, String param, String code) {
        StepVerifier.create(runtime.chat(request))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(InvalidRequestException.class);
                    assertThat(((InvalidRequestException) e).param()).isEqualTo(param);
                    assertThat(((InvalidRequestException) e).code()).isEqualTo(code);
                })
                .verify(TIMEOUT);
    }

    private static ChatMessage user(String text) {
        return new ChatMessage(ChatMessage.Role.USER, text, null, null, null);
    }

    private static ObjectNode body(String field, Object value) {
        ObjectNode body = JsonMapper.shared().createObjectNode();
        body.set(field, JsonMapper.shared().valueToTree(value));
        return body;
    }

    /** A greedy chat request unless {@code raw} says otherwise. */
    private static ChatCompletionRequest chat(int maxTokens, ObjectNode raw, String text) {
        ObjectNode body = raw == null ? JsonMapper.shared().createObjectNode() : raw;
        if (!body.has("temperature")) {
            body.put("temperature", 0);
        }
        return new ChatCompletionRequest(MODEL, List.of(user(text)), maxTokens, null, null, null, null, null, false,
                false, body);
    }
}
