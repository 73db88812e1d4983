package dev.streamgate.worker;

import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code POST /v1/completions} request: a prompt as text or as token ids (exactly one is set), and the body for
 * the sampling fields ({@link GenerationSettings#read}).
 */
public record CompletionRequest(String model, String prompt, int[] promptTokens, boolean stream,
                                boolean includeUsage, ObjectNode raw) {
    public CompletionRequest {
        if ((prompt == null) == (promptTokens == null)) {
            throw new IllegalArgumentException("exactly one of prompt and promptTokens");
        }
        promptTokens = promptTokens == null ? null : promptTokens.clone();
    }
}
