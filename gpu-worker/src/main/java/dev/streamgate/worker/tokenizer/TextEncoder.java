package dev.streamgate.worker.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * Encodes text with a model's {@code tokenizer.json} through Hugging Face's tokenizers library (DJL's binding,
 * which ships its native library and needs no network). Added tokens written in the text (a chat template's
 * {@code <|begin_of_text|>}) become their ids; the post-processor's own special tokens are not added, because the
 * chat template or {@link PromptTokens} decide where BOS goes. Thread-safe.
 */
public final class TextEncoder implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private TextEncoder(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static TextEncoder open(Path tokenizerJson) {
        try {
            // No truncation or padding: the worker checks prompt length against the context itself and says so.
            return new TextEncoder(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false",
                    "modelMaxLength", String.valueOf(Integer.MAX_VALUE))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
        }
    }

    /** The ids of {@code text}, without any special token the tokenizer's post-processor would add. */
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
