package dev.streamgate.bench.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a random-weight Llama checkpoint in Hugging Face layout, bf16, seeded: {@code config.json},
 * {@code generation_config.json}, {@code model.safetensors} and a byte-level BPE tokenizer. The tokenizer is the demo
 * chat model's (its merges and special tokens) with the vocabulary grown to the shape's size by tokens that decode
 * to byte strings but that no merge produces: prompts tokenize as in demo-chat, and every sampled id has text.
 */
public final class RandomLlamaCheckpoint {
    private static final JsonMapper JSON = JsonMapper.shared();
    /** Weights uniform in +-0.025, norms 1: activations stay finite through every layer. */
    private static final float WEIGHT_RANGE = 0.05f;

    private RandomLlamaCheckpoint() {
    }

    /** Writes the checkpoint into {@code folder} (created; files already there are replaced). */
    public static Path write(Path folder, LlamaShape shape, long seed, Path tokenizerSource) {
        try {
            Files.createDirectories(folder);
            writeConfig(folder, shape);
            writeTokenizer(folder, shape, tokenizerSource);
            writeWeights(folder.resolve("model.safetensors"), shape, seed);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint in " + folder, e);
        }
    }

    private static void writeConfig(Path folder, LlamaShape shape) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("model_type", "llama");
        config.put("hidden_size", shape.hidden());
        config.put("intermediate_size", shape.intermediate());
        config.put("num_hidden_layers", shape.layers());
        config.put("num_attention_heads", shape.heads());
        config.put("num_key_value_heads", shape.kvHeads());
        config.put("head_dim", shape.headDim());
        config.put("vocab_size", shape.vocab());
        config.put("max_position_embeddings", shape.context());
        config.put("rms_norm_eps", 1e-5);
        config.put("rope_theta", 10000.0);
        config.put("hidden_act", "silu");
        config.put("attention_bias", false);
        config.put("tie_word_embeddings", true);
        config.put("bos_token_id", 0);
        config.put("eos_token_id", 4);
        config.put("torch_dtype", "bfloat16");
        Files.writeString(folder.resolve("config.json"), JSON.writeValueAsString(config));
        ObjectNode generation = JSON.createObjectNode();
        generation.put("bos_token_id", 0);
        generation.put("eos_token_id", 4);
        Files.writeString(folder.resolve("generation_config.json"), JSON.writeValueAsString(generation));
    }

    private static void writeTokenizer(Path folder, LlamaShape shape, Path source) throws IOException {
        for (String file : List.of("tokenizer_config.json", "chat_template.jinja")) {
            if (Files.exists(source.resolve(file))) {
                Files.copy(source.resolve(file), folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(Files.readString(source.resolve("tokenizer.json")));
        ObjectNode vocab = (ObjectNode) tokenizer.path("model").path("vocab");
        Set<String> special = new HashSet<>();
        for (JsonNode added : tokenizer.path("added_tokens")) {
            special.add(added.path("content").stringValue());
        }
        List<String> pieces = new ArrayList<>();
        vocab.properties().forEach(e -> {
            if (!special.contains(e.getKey())) {
                pieces.add(e.getKey());
            }
        });
        Set<String> taken = new HashSet<>();
        vocab.properties().forEach(e -> taken.add(e.getKey()));
        int next = vocab.size();
        outer:
        for (String first : pieces) {
            for (String second : pieces) {
                if (next >= shape.vocab()) {
                    break outer;
                }
                String piece = first + second;
                if (taken.add(piece)) {
                    vocab.put(piece, next++);
                }
            }
        }
        if (next < shape.vocab()) {
            throw new IllegalStateException("cannot grow the vocabulary to " + shape.vocab());
        }
        Files.writeString(folder.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizer));
    }

    private static void writeWeights(Path file, LlamaShape shape, long seed) throws IOException {
        Map<String, long[]> tensors = new LinkedHashMap<>();
        int h = shape.hidden();
        int q = shape.heads() * shape.headDim();
        int kv = shape.kvHeads() * shape.headDim();
        tensors.put("model.embed_tokens.weight", new long[] {shape.vocab(), h});
        for (int l = 0; l < shape.layers(); l++) {
            String p = "model.layers." + l + ".";
            tensors.put(p + "input_layernorm.weight", new long[] {h});
            tensors.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            tensors.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            tensors.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            tensors.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            tensors.put(p + "post_attention_layernorm.weight", new long[] {h});
            tensors.put(p + "mlp.gate_proj.weight", new long[] {shape.intermediate(), h});
            tensors.put(p + "mlp.up_proj.weight", new long[] {shape.intermediate(), h});
            tensors.put(p + "mlp.down_proj.weight", new long[] {h, shape.intermediate()});
        }
        tensors.put("model.norm.weight", new long[] {h});

        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (var tensor : tensors.entrySet()) {
            long bytes = 2 * elements(tensor.getValue());
            header.append(",\"").append(tensor.getKey()).append("\":{\"dtype\":\"BF16\",\"shape\":[")
                    .append(tensor.getValue()[0]).append(tensor.getValue().length > 1 ? "," + tensor.getValue()[1] : "")
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            buffer.putLong(json.length).put(json);
            for (var tensor : tensors.entrySet()) {
                boolean norm = tensor.getValue().length == 1;
                for (long i = elements(tensor.getValue()); i > 0; i--) {
                    if (!buffer.hasRemaining()) {
                        drain(buffer, out);
                    }
                    float value = norm ? 1f : (random.nextFloat() - 0.5f) * WEIGHT_RANGE;
                    buffer.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
                }
            }
            drain(buffer, out);
        }
    }

    private static void drain(ByteBuffer buffer, FileChannel out) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
