package dev.streamgate.worker.engine;

/**
 * The parts of a Hugging Face {@code config.json} the engine runs on, normalised: defaults filled in, both
 * rope forms ({@code rope_theta}/{@code rope_scaling} and {@code rope_parameters}) folded into {@link Rope}.
 *
 * @param architecture  the {@code architectures[0]} name, e.g. {@code LlamaForCausalLM}
 * @param headDim       per-head width ({@code head_dim}, or hidden size / heads)
 * @param attentionBias whether the attention projections carry biases (Qwen2: q/k/v always)
 */
public record ModelConfig(String architecture, int vocabSize, int hiddenSize, int intermediateSize,
                          int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim,
                          int maxPositionEmbeddings, float rmsNormEps, boolean tieWordEmbeddings,
                          boolean attentionBias, Rope rope) {

    public static final String LLAMA = "LlamaForCausalLM";
    public static final String QWEN2 = "Qwen2ForCausalLM";

    /**
     * Rotary embedding settings. {@code type} is {@code default}, {@code linear} or {@code llama3}; the
     * scaling fields are meaningful only for the types that use them.
     */
    public record Rope(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                       int originalMaxPositionEmbeddings) {
        public static Rope plain(double theta) {
            return new Rope("default", theta, 1.0, 0.0, 0.0, 0);
        }
    }

    /** Bytes one token's keys and values take in a KV cache of the given element size. */
    public long kvBytesPerToken(int elementBytes) {
        return 2L * numHiddenLayers * numKeyValueHeads * headDim * elementBytes;
    }
}
