package dev.streamgate.streaming.openai;

import tools.jackson.databind.JsonNode;

/**
 * One message of a chat request. {@code text} is the message's text with content-part arrays flattened (what
 * token estimates, guards and local models read); {@code raw} is the message as the caller sent it, forwarded
 * unchanged to upstreams that accept the full format (images, tool calls).
 */
public record ChatMessage(Role role, String text, String name, String toolCallId, JsonNode raw) {

    public enum Role {
        SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ChatMessage {
        if (role == null) {
            throw new IllegalArgumentException("role");
        }
        text = text == null ? "" : text;
    }
}
