package dev.streamgate.bench.worker;

/**
 * The dimensions of a Llama checkpoint the bench generates (tied embeddings, no biases, SiLU MLP).
 *
 * @param kvHeads key/value heads (GQA when fewer than {@code heads})
 */
public record LlamaShape(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab, int context) {

    /** About 110M parameters: GPT-2 small's width and depth with a Llama MLP and a 32k vocabulary. */
    public static final LlamaShape SMALL_110M = new LlamaShape(768, 12, 12, 12, 2048, 32000, 2048);

    public LlamaShape {
        if (hidden % heads != 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("hidden must split into heads, and heads into KV groups");
        }
    }

    public int headDim() {
        return hidden / heads;
    }

    public long parameters() {
        long attention = (long) hidden * headDim() * (2L * heads + 2L * kvHeads);
        long mlp = 3L * hidden * intermediate;
        return layers * (attention + mlp + 2L * hidden) + (long) vocab * hidden + hidden;
    }
}
