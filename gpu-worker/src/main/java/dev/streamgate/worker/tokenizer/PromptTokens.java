package dev.streamgate.worker.tokenizer;

import java.util.OptionalInt;

/**
 * Turns a prompt into the ids a model expects. A chat prompt is the rendered template, which already writes BOS
 * where the model wants it, so it is encoded as is. A plain completion prompt gets BOS in front when the model has
 * one and {@code tokenizer_config.json} does not say {@code add_bos_token: false}: Llama-family checkpoints were
 * trained that way, and many {@code tokenizer.json} post-processors (as in the reference fixtures) do not add it.
 */
public final class PromptTokens {
    private final TextEncoder encoder;
    private final OptionalInt bosTokenId;
    private final boolean addBos;

    public PromptTokens(TextEncoder encoder, OptionalInt bosTokenId, boolean addBos) {
        this.encoder = encoder;
        this.bosTokenId = bosTokenId;
        this.addBos = addBos;
    }

    public int[] chat(String renderedTemplate) {
        return encoder.encode(renderedTemplate);
    }

    public int[] completion(String prompt) {
        return withBos(encoder.encode(prompt));
    }

    /** A prompt given as token ids gets the same BOS rule as a text prompt. */
    public int[] withBos(int[] ids) {
        if (!addBos || bosTokenId.isEmpty() || (ids.length > 0 && ids[0] == bosTokenId.getAsInt())) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bosTokenId.getAsInt();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
