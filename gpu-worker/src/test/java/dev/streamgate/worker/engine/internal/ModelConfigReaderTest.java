package dev.streamgate.worker.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamgate.worker.engine.EngineException;
import dev.streamgate.worker.engine.EngineException.Kind;
import dev.streamgate.worker.engine.ModelConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ModelConfigReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BASE = """
            "hidden_size": 64, "intermediate_size": 176, "num_hidden_layers": 2, "num_attention_heads": 4,
            "vocab_size": 512, "max_position_embeddings": 512, "rms_norm_eps": 1e-05""";

    private static ModelConfig parse(String json) {
        JsonNode node = JSON.readTree(json);
        return ModelConfigReader.parse(node, "config.json");
    }

    @Test
    void olderLlamaConfigWithRopeThetaAndLlama3RopeScaling() {
        ModelConfig c = parse("{\"architectures\": [\"LlamaForCausalLM\"], " + BASE + ", \"num_key_value_heads\": 2,"
                + "\"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0,"
                + "\"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}}");
        assertThat(c.architecture()).isEqualTo(ModelConfig.LLAMA);
        assertThat(c.numKeyValueHeads()).isEqualTo(2);
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.rope()).isEqualTo(new ModelConfig.Rope("llama3", 500000.0, 8.0, 1.0, 4.0, 8192));
    }

    @Test
    void newerRopeParametersFormAndQwen2Defaults() {
        ModelConfig c = parse("{\"architectures\": [\"Qwen2ForCausalLM\"], " + BASE + ", \"tie_word_embeddings\": true,"
                + "\"head_dim\": 32, \"rope_parameters\": {\"rope_theta\": 1000000.0, \"rope_type\": \"default\"}}");
        assertThat(c.attentionBias()).as("Qwen2 always has q/k/v biases").isTrue();
        assertThat(c.numKeyValueHeads()).as("defaults to the query heads").isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(32);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.rope()).isEqualTo(ModelConfig.Rope.plain(1_000_000.0));
    }

    @Test
    void noRopeKeysMeansDefaultRopeAtTenThousandAndNullScalingIsIgnored() {
        assertThat(parse("{\"model_type\": \"llama\", " + BASE + "}").rope()).isEqualTo(ModelConfig.Rope.plain(10000.0));
        assertThat(parse("{\"model_type\": \"llama\", " + BASE + ", \"rope_theta\": 1e4, \"rope_scaling\": null}").rope())
                .isEqualTo(ModelConfig.Rope.plain(10000.0));
        assertThat(parse("{\"model_type\": \"llama\", " + BASE + ", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2}}").rope())
                .isEqualTo(new ModelConfig.Rope("linear", 10000.0, 2.0, 0, 0, 0));
    }

    @Test
    void whatTheEngineCannotRunIsNamed() {
        assertThatThrownBy(() -> parse("{\"architectures\": [\"GemmaForCausalLM\"], " + BASE + "}"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("unsupported architecture GemmaForCausalLM");
        assertThatThrownBy(() -> parse("{\"model_type\": \"llama\", " + BASE + ", \"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2}}"))
                .hasMessageContaining("unsupported rope type \"dynamic\"");
        assertThatThrownBy(() -> parse("{\"model_type\": \"llama\", " + BASE + ", \"hidden_act\": \"gelu\"}"))
                .hasMessageContaining("hidden_act \"gelu\"");
        assertThatThrownBy(() -> parse("{\"model_type\": \"qwen2\", " + BASE + ", \"use_sliding_window\": true}"))
                .hasMessageContaining("use_sliding_window");
        assertThatThrownBy(() -> parse("{\"model_type\": \"llama\", " + BASE + ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}}"))
                .hasMessageContaining("rope_scaling.low_freq_factor is required");
    }

    @Test
    void missingOrMistypedFieldsAreNamed() {
        assertThatThrownBy(() -> parse("{\"model_type\": \"llama\", \"hidden_size\": 64}"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
                .hasMessageContaining("missing num_attention_heads");
        assertThatThrownBy(() -> parse("{\"model_type\": \"llama\", " + BASE.replace("\"vocab_size\": 512", "\"vocab_size\": \"512\"") + "}"))
                .hasMessageContaining("vocab_size must be an integer");
    }
}
