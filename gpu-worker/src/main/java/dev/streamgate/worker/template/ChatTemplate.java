package dev.streamgate.worker.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model's chat template, rendered as transformers' {@code apply_chat_template} does: Jinja with
 * {@code trim_blocks} and {@code lstrip_blocks}, the variables {@code messages}, {@code bos_token},
 * {@code eos_token}, {@code add_generation_prompt}, and the functions {@code raise_exception} and
 * {@code strftime_now}. Thread-safe.
 */
public final class ChatTemplate {
    private static final ThreadLocal<Clock> RENDER_CLOCK = ThreadLocal.withInitial(Clock::systemUTC);

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final Jinjava jinjava;

    public ChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        // Jinja drops a template's single trailing newline unless keep_trailing_newline is set; transformers
        // leaves it unset.
        this.source = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.clock = clock;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withIterateOverMapKeys(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
    }

    /**
     * The template of a Hugging Face model folder: {@code chat_template.jinja} if present, else
     * {@code tokenizer_config.json}'s {@code chat_template} (a string, or a list of named templates of which
     * {@code default} is used). Empty when the model has none (a base model: completions only).
     */
    public static Optional<ChatTemplate> load(Path modelFolder, Clock clock) {
        try {
            Path jinja = modelFolder.resolve("chat_template.jinja");
            Path config = modelFolder.resolve("tokenizer_config.json");
            JsonNode tokenizerConfig = Files.exists(config)
                    ? JsonMapper.shared().readTree(Files.readString(config))
                    : JsonMapper.shared().createObjectNode();
            String bos = tokenText(tokenizerConfig.path("bos_token"));
            String eos = tokenText(tokenizerConfig.path("eos_token"));
            if (Files.exists(jinja)) {
                return Optional.of(new ChatTemplate(Files.readString(jinja), bos, eos, clock));
            }
            return templateIn(tokenizerConfig.path("chat_template")).map(t -> new ChatTemplate(t, bos, eos, clock));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template of " + modelFolder, e);
        }
    }

    /** {@code bos_token}/{@code eos_token} in tokenizer_config.json: a string or an AddedToken object. */
    public static String tokenText(JsonNode token) {
        if (token.isString()) {
            return token.stringValue();
        }
        if (token.isObject() && token.path("content").isString()) {
            return token.path("content").stringValue();
        }
        return null;
    }

    private static Optional<String> templateIn(JsonNode chatTemplate) {
        if (chatTemplate.isString()) {
            return Optional.of(chatTemplate.stringValue());
        }
        for (JsonNode named : chatTemplate) {
            if ("default".equals(named.path("name").asString(""))) {
                return Optional.of(named.path("template").asString(""));
            }
        }
        return Optional.empty();
    }

    /**
     * Renders a conversation. Each message is a map with at least {@code role} and {@code content}; other keys
     * ({@code name}, {@code tool_calls}, ...) reach the template as the caller sent them.
     *
     * @throws ChatTemplateException when the template raises or fails
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", messages);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        RENDER_CLOCK.set(clock);
        try {
            RenderResult result = jinjava.renderForResult(source, bindings);
            for (TemplateError error : result.getErrors()) {
                if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                    throw new ChatTemplateException(raisedMessage(error));
                }
            }
            return result.getOutput();
        } finally {
            RENDER_CLOCK.remove();
        }
    }

    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }

    private static String raisedMessage(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof RaisedByTemplate raised) {
                return raised.getMessage();
            }
        }
        return "chat template failed: " + error.getMessage();
    }

    /** {@code raise_exception(message)}, which Hugging Face templates call to reject a conversation. */
    public static String raiseException(String message) {
        throw new RaisedByTemplate(message);
    }

    /** {@code strftime_now(format)}, which Llama 3.1+ templates call for the current date. */
    public static String strftimeNow(String format) {
        ZonedDateTime now = ZonedDateTime.now(RENDER_CLOCK.get());
        return DateTimeFormatter.ofPattern(StrftimePattern.toJava(format), Locale.ROOT).format(now);
    }

    private static final class RaisedByTemplate extends RuntimeException {
        RaisedByTemplate(String message) {
            super(message, null, false, false);
        }
    }
}
