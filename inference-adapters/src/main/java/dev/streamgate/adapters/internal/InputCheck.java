package dev.streamgate.adapters.internal;

import dev.streamgate.config.AcceptedInputs;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.InvalidRequestException;
import tools.jackson.databind.JsonNode;

/**
 * Checks a chat request against what its model accepts (see {@link AcceptedInputs}), naming the first field the
 * model cannot take, as OpenAI names the param of an unsupported value.
 */
public final class InputCheck {
    private InputCheck() {
    }

    /** @throws InvalidRequestException naming e.g. {@code messages[0].content[1].type} or {@code tools} */
    public static void require(ChatCompletionRequest chat, AcceptedInputs accepted) {
        JsonNode tools = chat.raw() == null ? null : chat.raw().get("tools");
        if (!accepted.tools() && tools != null && tools.isArray() && !tools.isEmpty()) {
            throw new InvalidRequestException("tools", "unsupported_parameter", "The model `" + chat.model()
                    + "` does not support tools.");
        }
        for (int i = 0; i < chat.messages().size(); i++) {
            JsonNode raw = chat.messages().get(i).raw();
            JsonNode content = raw == null ? null : raw.get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (int j = 0; j < content.size(); j++) {
                String type = content.get(j).path("type").asString("");
                // an assistant message's refusal part is the model's own output, not an input kind
                if (!type.equals("refusal") && !accepted.contentParts().contains(type)) {
                    String param = "messages[" + i + "].content[" + j + "].type";
                    throw new InvalidRequestException(param, "unsupported_value", "The model `" + chat.model()
                            + "` does not accept `" + type + "` content parts; it accepts "
                            + String.join(", ", accepted.contentParts().stream().sorted().toList()) + ".");
                }
            }
        }
    }
}
