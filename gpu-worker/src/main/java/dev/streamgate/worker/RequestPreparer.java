package dev.streamgate.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatMessage;
import dev.streamgate.streaming.openai.InvalidRequestException;
import dev.streamgate.worker.template.ChatTemplate;
import dev.streamgate.worker.template.ChatTemplateException;
import dev.streamgate.worker.tokenizer.PromptTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns API requests into prompt tokens and settings, and refuses, naming the parameter, what the worker cannot
 * serve: another model, a prompt that fills the context, {@code max_tokens} beyond it, invalid sampling values,
 * a conversation the chat template rejects.
 */
final class RequestPreparer {
    private final String modelName;
    private final ModelFolder model;
    private final Optional<ChatTemplate> template;
    private final PromptTokens prompts;
    private final int vocabSize;
    private final int contextLength;
    private final RandomGenerator seeds;

    RequestPreparer(String modelName, ModelFolder model, Optional<ChatTemplate> template, PromptTokens prompts,
                    int vocabSize, int contextLength, RandomGenerator seeds) {
        this.modelName = modelName;
        this.model = model;
        this.template = template;
        this.prompts = prompts;
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
        this.seeds = seeds;
    }

    /** Validates and tokenizes a chat request. */
    PreparedRequest chat(ChatCompletionRequest request) {
        checkModel(request.model());
        if (request.messages().isEmpty()) {
            throw new InvalidRequestException("messages", "invalid_value", "messages must not be empty");
        }
        requireTextOnly(request.messages());
        ChatTemplate chatTemplate = template.orElseThrow(() -> new InvalidRequestException("model",
                "chat_template_missing", "model '" + modelName + "' has no chat template; use /v1/completions"));
        ObjectNode body = settingsBody(request);
        GenerationSettings settings = GenerationSettings.read(body, GenerationSettings.Api.CHAT,
                model.samplingDefaults(), seeds);
        String rendered;
        try {
            rendered = chatTemplate.render(templateMessages(request.messages()), true);
        } catch (ChatTemplateException e) {
            throw new InvalidRequestException("messages", "invalid_messages", e.getMessage());
        }
        return prepare(prompts.chat(rendered), settings, "messages", maxTokensParam(body));
    }

    /** Validates and tokenizes a completions request. */
    PreparedRequest completion(CompletionRequest request) {
        checkModel(request.model());
        ObjectNode body = request.raw() == null ? JsonMapper.shared().createObjectNode() : request.raw();
        GenerationSettings settings = GenerationSettings.read(body, GenerationSettings.Api.COMPLETIONS,
                model.samplingDefaults(), seeds);
        int[] tokens;
        if (request.prompt() != null) {
            tokens = prompts.completion(request.prompt());
        } else {
            for (int id : request.promptTokens()) {
                if (id < 0 || id >= vocabSize) {
                    throw new InvalidRequestException("prompt", "invalid_value",
                            "token id " + id + " is outside the vocabulary of " + vocabSize);
                }
            }
            tokens = prompts.withBos(request.promptTokens());
        }
        if (tokens.length == 0) {
            throw new InvalidRequestException("prompt", "invalid_value", "prompt must not be empty");
        }
        return prepare(tokens, settings, "prompt", maxTokensParam(body));
    }

    private PreparedRequest prepare(int[] promptTokens, GenerationSettings settings, String promptParam,
                                    String maxTokensParam) {
        int context = contextLength;
        if (promptTokens.length >= context) {
            throw new InvalidRequestException(promptParam, "context_length_exceeded", "this model's context is "
                    + context + " tokens, and the prompt has " + promptTokens.length
                    + ", which leaves no room for output");
        }
        int room = context - promptTokens.length;
        Integer maxTokens = settings.maxTokens();
        if (maxTokens != null && maxTokens > room) {
            throw new InvalidRequestException(maxTokensParam, "context_length_exceeded", maxTokensParam + " is "
                    + maxTokens + ", but the prompt has " + promptTokens.length + " tokens of a " + context
                    + "-token context, which leaves room for " + room);
        }
        return new PreparedRequest(promptTokens, settings, maxTokens == null ? room : maxTokens);
    }

    private void checkModel(String requested) {
        if (requested != null && !requested.isBlank() && !requested.equals(modelName)) {
            throw new InvalidRequestException("model", "model_not_found", "the model '" + requested
                    + "' does not exist; this worker serves '" + modelName + "'");
        }
    }

    /**
     * The shared parser accepts image, audio and file parts (the gateway forwards them) and leaves them out of a
     * message's text; a text-only model would silently answer without them, so the worker refuses them.
     */
    private static void requireTextOnly(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).raw() == null ? null : messages.get(i).raw().get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (int j = 0; j < content.size(); j++) {
                String type = content.get(j).path("type").asString("");
                if (!type.equals("text")) {
                    String param = "messages[" + i + "].content[" + j + "].type";
                    throw new InvalidRequestException(param, "unsupported_value", "this worker serves a text-only "
                            + "model and accepts only text content parts, but " + param + " is '" + type + "'");
                }
            }
        }
    }

    private static String maxTokensParam(JsonNode body) {
        return body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    }

    /** The request body with the typed fields (which a caller may have set without a body) laid over it. */
    private static ObjectNode settingsBody(ChatCompletionRequest request) {
        ObjectNode body = request.raw() == null ? JsonMapper.shared().createObjectNode() : request.raw().deepCopy();
        if (request.maxTokens() != null && !body.has("max_completion_tokens")) {
            body.put("max_tokens", request.maxTokens());
        }
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (request.seed() != null) {
            body.put("seed", request.seed());
        }
        if (!request.stop().isEmpty()) {
            var stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        return body;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> templateMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (message.raw() != null && message.raw().isObject()) {
                m.putAll(JsonMapper.shared().convertValue(message.raw(), Map.class));
            }
            m.put("role", message.role().wireName());
            m.put("content", message.text());
            if (message.name() != null) {
                m.put("name", message.name());
            }
            if (message.toolCallId() != null) {
                m.put("tool_call_id", message.toolCallId());
            }
            out.add(m);
        }
        return out;
    }
}
