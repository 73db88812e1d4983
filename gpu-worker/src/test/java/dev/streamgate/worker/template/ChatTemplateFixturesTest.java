package dev.streamgate.worker.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import dev.streamgate.worker.testsupport.Fixtures;
import dev.streamgate.worker.tokenizer.IncrementalDetokenizer;
import dev.streamgate.worker.tokenizer.PromptTokens;
import dev.streamgate.worker.tokenizer.TextEncoder;
import dev.streamgate.worker.tokenizer.TokenVocabulary;
import tools.jackson.databind.JsonNode;

/** Rendering and tokenization of every fixture's chats and prompts equal what transformers produced. */
class ChatTemplateFixturesTest {
    static final List<String> FIXTURES = Fixtures.NAMES;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void chatsRenderAndTokenizeAsTransformers(String fixture) {
        Path folder = Fixtures.folder(fixture);
        ChatTemplate template = ChatTemplate.load(folder, Clock.systemUTC()).orElseThrow();
        try (TextEncoder encoder = TextEncoder.open(folder.resolve("tokenizer.json"))) {
            PromptTokens prompts = new PromptTokens(encoder, OptionalInt.of(0), true);
            JsonNode chats = Fixtures.expected(fixture).path("chats");
            assertThat(chats.size()).isPositive();
            for (JsonNode chat : chats) {
                String rendered = template.render(messages(chat.path("messages")), true);
                assertThat(rendered).isEqualTo(chat.path("rendered").stringValue());
                assertThat(prompts.chat(rendered)).containsExactly(Fixtures.ints(chat.path("input_ids")));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void completionPromptsAreBosPlusText(String fixture) {
        Path folder = Fixtures.folder(fixture);
        try (TextEncoder encoder = TextEncoder.open(folder.resolve("tokenizer.json"))) {
            PromptTokens prompts = new PromptTokens(encoder, OptionalInt.of(0), true);
            for (JsonNode prompt : Fixtures.expected(fixture).path("prompts")) {
                assertThat(prompts.completion(prompt.path("text").stringValue()))
                        .containsExactly(Fixtures.ints(prompt.path("input_ids")));
            }
        }
    }

    @Test
    void demoChatSamplesTokenizeAndDecodeAsTransformers() {
        Path folder = Fixtures.demoChat();
        ChatTemplate template = ChatTemplate.load(folder, Clock.systemUTC()).orElseThrow();
        TokenVocabulary vocabulary = TokenVocabulary.fromTokenizerJson(folder.resolve("tokenizer.json"));
        JsonNode samples = Fixtures.json(folder.resolve("samples.json")).path("samples");
        assertThat(samples.size()).isEqualTo(7);
        try (TextEncoder encoder = TextEncoder.open(folder.resolve("tokenizer.json"))) {
            PromptTokens prompts = new PromptTokens(encoder, OptionalInt.of(0), true);
            for (JsonNode sample : samples) {
                Map<String, Object> user = Map.of("role", "user", "content", sample.path("question").stringValue());
                int[] ids = prompts.chat(template.render(List.of(user), true));
                assertThat(ids).containsExactly(Fixtures.ints(sample.path("prompt_ids")));

                IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(vocabulary, true);
                StringBuilder answer = new StringBuilder();
                for (int id : Fixtures.ints(sample.path("greedy_ids"))) {
                    answer.append(detokenizer.push(id));
                }
                assertThat(answer.append(detokenizer.finish()).toString())
                        .isEqualTo(sample.path("greedy_answer").stringValue());
            }
        }
    }

    static List<Map<String, Object>> messages(JsonNode messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode message : messages) {
            Map<String, Object> m = new LinkedHashMap<>();
            message.properties().forEach(e -> m.put(e.getKey(), e.getValue().stringValue()));
            out.add(m);
        }
        return out;
    }
}
