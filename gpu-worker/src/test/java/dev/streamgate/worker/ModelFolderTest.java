package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamgate.worker.testsupport.Fixtures;
import dev.streamgate.worker.tokenizer.TokenVocabulary;

class ModelFolderTest {
    private static final TokenVocabulary VOCABULARY = TokenVocabulary.ofPieces(
            List.of("<s>", "</s>", "<|eot_id|>", "<|eom_id|>", "hi"), Set.of(0, 1, 2, 3));

    @Test
    void readsTheFixturesBosEosAndContext() {
        Path folder = Fixtures.folder("qwen2-bias-tied-f32");
        ModelFolder model = ModelFolder.read(folder,
                TokenVocabulary.fromTokenizerJson(folder.resolve("tokenizer.json")));
        assertThat(model.architecture()).isEqualTo("Qwen2ForCausalLM");
        assertThat(model.contextLength()).isEqualTo(512);
        assertThat(model.bosTokenId()).hasValue(0);
        assertThat(model.eosTokenIds()).containsExactly(4);
        assertThat(model.addBosToken()).isTrue();
    }

    @Test
    void eosIdsAreTheUnionOfConfigGenerationConfigAndTokenizerConfig(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 8192, "bos_token_id": 0,
                 "eos_token_id": 1}""");
        Files.writeString(folder.resolve("generation_config.json"), """
                {"eos_token_id": [1, 3], "temperature": 0.6, "top_p": 0.9}""");
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"bos_token": "<s>", "eos_token": {"content": "<|eot_id|>"}, "add_bos_token": false}""");

        ModelFolder model = ModelFolder.read(folder, VOCABULARY);

        assertThat(model.eosTokenIds()).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(model.addBosToken()).isFalse();
        assertThat(model.samplingDefaults().temperature()).hasValue(0.6);
        assertThat(model.samplingDefaults().topP()).hasValue(0.9);
        assertThat(model.samplingDefaults().topK()).isEmpty();
    }

    @Test
    void aNullBosTokenMeansNoBos(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("config.json"), """
                {"model_type": "qwen2", "max_position_embeddings": 32768, "bos_token_id": 0, "eos_token_id": 1}""");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": null}");
        assertThat(ModelFolder.read(folder, VOCABULARY).bosTokenId()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void aMissingConfigIsNamed(@TempDir Path folder) {
        assertThatThrownBy(() -> ModelFolder.read(folder, VOCABULARY)).hasMessageContaining("config.json");
    }
}
