package dev.streamgate.worker.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-07T10:00:00Z"), ZoneOffset.UTC);

    // Expected strings below are Jinja2 3.1's output for the same templates in transformers' environment
    // (ImmutableSandboxedEnvironment, trim_blocks=True, lstrip_blocks=True).

    // Mistral's shape: alternation enforced with raise_exception, whitespace control, Python's str.strip().
    private static final String MISTRAL = """
            {{- bos_token }}
            {%- for message in messages %}
                {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                    {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
                {%- endif %}
                {%- if message['role'] == 'user' %}
                    {{- '[INST] ' + message['content'].strip() + ' [/INST]' }}
                {%- elif message['role'] == 'assistant' %}
                    {{- message['content'] + eos_token + '\\n' }}
                {%- endif %}
            {%- endfor %}
            """;

    // Qwen2.5's shape: attribute access, loop.first, a missing key (tool_calls) read as undefined.
    private static final String QWEN = """
            {%- if messages[0]['role'] == 'system' %}
                {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
            {%- else %}
                {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
            {%- endif %}
            {%- for message in messages %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
                    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    private static final List<Map<String, Object>> CONVERSATION = List.of(
            Map.of("role", "user", "content", " Hi "),
            Map.of("role", "assistant", "content", "Hello"),
            Map.of("role", "user", "content", "Bye"));

    @Test
    void rendersMistralShapedTemplateAsJinja2() {
        ChatTemplate template = new ChatTemplate(MISTRAL, "<s>", "</s>", CLOCK);
        assertThat(template.render(CONVERSATION, false)).isEqualTo("<s>[INST] Hi [/INST]Hello</s>\n[INST] Bye [/INST]");
    }

    @Test
    void rendersQwenShapedTemplateAsJinja2() {
        ChatTemplate template = new ChatTemplate(QWEN, "", "<|im_end|>", CLOCK);
        assertThat(template.render(CONVERSATION, true)).isEqualTo("<|im_start|>system\nYou are a helpful assistant."
                + "<|im_end|>\n<|im_start|>user\n Hi <|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
        List<Map<String, Object>> withSystem = new java.util.ArrayList<>(CONVERSATION);
        withSystem.addFirst(Map.of("role", "system", "content", "Be brief."));
        assertThat(template.render(withSystem, false)).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\n Hi <|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n");
    }

    @Test
    void raiseExceptionRejectsTheConversationWithTheTemplatesMessage() {
        ChatTemplate template = new ChatTemplate(MISTRAL, "<s>", "</s>", CLOCK);
        assertThatThrownBy(() -> template.render(List.of(
                Map.of("role", "assistant", "content", "first")), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void strftimeNowUsesTheInjectedClock() {
        ChatTemplate template = new ChatTemplate("Today Date: {{ strftime_now('%d %b %Y') }}", "", "", CLOCK);
        assertThat(template.render(List.of(), true)).isEqualTo("Today Date: 07 Mar 2026");
    }

    @Test
    void templateFromTokenizerConfigWhenNoJinjaFileAndTrailingNewlineDropped(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "special": true}, "eos_token": "</s>",
                 "chat_template": [{"name": "tool_use", "template": "tools"},
                                   {"name": "default", "template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}>{% endif %}\\n"}]}
                """);
        ChatTemplate template = ChatTemplate.load(folder, CLOCK).orElseThrow();
        assertThat(template.render(List.of(Map.of("role", "user", "content", "a")), true)).isEqualTo("<s>a>");
    }

    @Test
    void noTemplateMeansCompletionsOnly(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
        assertThat(ChatTemplate.load(folder, CLOCK)).isEmpty();
    }
}
