package dev.streamgate.worker.engine.internal;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.ModelConfig;
import dev.streamgate.worker.engine.ModelConfig.Rope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}, rejecting by name what the engine cannot
 * run (architecture, activation, rope type, sliding windows, MLP biases).
 */
public final class ModelConfigReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> ROPE_TYPES = Set.of("default", "linear", "llama3");

    private ModelConfigReader() {
    }

    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (IOException e) {
            throw new EngineException(Kind.IO, "cannot read " + configJson + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new EngineException(Kind.INVALID_ARGUMENT, configJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject())
            throw new EngineException(Kind.INVALID_ARGUMENT, configJson + " must hold a JSON object");
        return parse(root, configJson.toString());
    }

    static ModelConfig parse(JsonNode root, String source) {
        String architecture = architecture(root, source);
        boolean qwen2 = architecture.equals(ModelConfig.QWEN2);
        String act = text(root, "hidden_act", "silu");
        if (!act.equals("silu"))
            throw unsupported(source, "hidden_act \"" + act + "\" (only silu is supported)");
        if (bool(root, "mlp_bias", false)) throw unsupported(source, "mlp_bias true");
        if (bool(root, "use_sliding_window", false)) throw unsupported(source, "use_sliding_window true (sliding-window attention)");
        int hidden = requiredInt(root, "hidden_size", source);
        int heads = requiredInt(root, "num_attention_heads", source);
        int kvHeads = optionalInt(root, "num_key_value_heads", heads, source);
        int headDim = optionalInt(root, "head_dim", 0, source);
        if (headDim == 0) {
            if (heads <= 0 || hidden % heads != 0)
                throw invalid(source, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
            headDim = hidden / heads;
        }
        return new ModelConfig(architecture,
                requiredInt(root, "vocab_size", source),
                hidden,
                requiredInt(root, "intermediate_size", source),
                requiredInt(root, "num_hidden_layers", source),
                heads,
                kvHeads,
                headDim,
                requiredInt(root, "max_position_embeddings", source),
                (float) number(root, "rms_norm_eps", 1e-6, source),
                bool(root, "tie_word_embeddings", false),
                qwen2 || bool(root, "attention_bias", false),
                rope(root, source));
    }

    private static String architecture(JsonNode root, String source) {
        JsonNode list = root.get("architectures");
        String name;
        if (list != null && list.isArray() && !list.isEmpty()) {
            name = list.get(0).asString();
        } else {
            String modelType = text(root, "model_type", "");
            name = switch (modelType) {
                case "llama" -> ModelConfig.LLAMA;
                case "qwen2" -> ModelConfig.QWEN2;
                default -> throw unsupported(source, "model without architectures and with model_type \"" + modelType + "\"");
            };
        }
        if (!name.equals(ModelConfig.LLAMA) && !name.equals(ModelConfig.QWEN2))
            throw unsupported(source, "architecture " + name + " (supported: " + ModelConfig.LLAMA + ", " + ModelConfig.QWEN2 + ")");
        return name;
    }

    // Newer configs carry rope_parameters (with rope_theta inside); older ones rope_theta at the top and
    // an optional rope_scaling object whose type key is "rope_type" or, older still, "type".
    private static Rope rope(JsonNode root, String source) {
        JsonNode params = root.get("rope_parameters");
        JsonNode scaling = root.get("rope_scaling");
        JsonNode spec = params != null && params.isObject() ? params : scaling != null && scaling.isObject() ? scaling : null;
        double theta = number(root, "rope_theta", 10000.0, source);
        if (params != null && params.isObject() && params.has("rope_theta")) theta = number(params, "rope_theta", theta, source);
        if (spec == null) return Rope.plain(theta);
        String type = text(spec, "rope_type", text(spec, "type", "default"));
        if (!ROPE_TYPES.contains(type)) throw unsupported(source, "rope type \"" + type + "\" (supported: default, linear, llama3)");
        String where = params != null && params.isObject() ? "rope_parameters" : "rope_scaling";
        return switch (type) {
            case "linear" -> new Rope(type, theta, requiredNumber(spec, "factor", where, source), 0, 0, 0);
            case "llama3" -> new Rope(type, theta,
                    requiredNumber(spec, "factor", where, source),
                    requiredNumber(spec, "low_freq_factor", where, source),
                    requiredNumber(spec, "high_freq_factor", where, source),
                    (int) requiredNumber(spec, "original_max_position_embeddings", where, source));
            default -> Rope.plain(theta);
        };
    }

    private static int requiredInt(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw invalid(source, "missing " + field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw invalid(source, field + " must be an integer, got " + v);
        return v.intValue();
    }

    private static int optionalInt(JsonNode node, String field, int fallback, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw invalid(source, field + " must be an integer, got " + v);
        return v.intValue();
    }

    private static double number(JsonNode node, String field, double fallback, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw invalid(source, field + " must be a number, got " + v);
        return v.doubleValue();
    }

    private static double requiredNumber(JsonNode node, String field, String where, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) throw invalid(source, where + "." + field + " is required and must be a number");
        return v.doubleValue();
    }

    private static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asBoolean();
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asString();
    }

    private static EngineException invalid(String source, String what) {
        return new EngineException(Kind.INVALID_ARGUMENT, source + ": " + what);
    }

    private static EngineException unsupported(String source, String what) {
        return new EngineException(Kind.UNSUPPORTED, source + ": unsupported " + what);
    }
}
