package dev.streamgate.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.streamgate.worker.BundledModel;
import dev.streamgate.worker.CompletionRequest;
import dev.streamgate.worker.GenerationEvent;
import dev.streamgate.worker.WorkerRuntime;
import dev.streamgate.worker.tokenizer.TokenVocabulary;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The generated checkpoint is a model the worker serves: every tensor in place, a tokenizer of the right size. */
class RandomLlamaCheckpointTest {
    private static final LlamaShape TINY = new LlamaShape(64, 2, 4, 2, 128, 1000, 128);

    @TempDir
    Path dir;

    @Test
    void theWorkerServesTheGeneratedCheckpoint() {
        Path folder = RandomLlamaCheckpoint.write(dir.resolve("tiny"), TINY, 7,
                BundledModel.folder(BundledModel.DEMO_CHAT));

        CheckpointWeights weights = CheckpointWeights.of(folder);
        assertThat(weights.parameters()).isEqualTo(TINY.parameters());
        assertThat(weights.dtype()).isEqualTo("BF16");
        // Tied embeddings: the table is read whole as the output layer, so every weight counts.
        assertThat(weights.bytesPerDecode()).isEqualTo(2 * TINY.parameters());
        assertThat(TokenVocabulary.fromTokenizerJson(folder.resolve("tokenizer.json")).size()).isEqualTo(1000);

        try (WorkerRuntime runtime = WorkerRuntime.builder(folder).start()) {
            ObjectNode body = JsonMapper.shared().createObjectNode();
            body.put("max_tokens", 6);
            body.put("temperature", 0);
            body.put("ignore_eos", true);
            CompletionRequest request = new CompletionRequest(runtime.modelName(), "The gateway streams", null,
                    false, false, body);
            List<GenerationEvent> events = runtime.generate(runtime.prepareCompletion(request)).collectList()
                    .block(Duration.ofSeconds(60));
            assertThat(events).hasSize(7).last().isInstanceOf(GenerationEvent.Finished.class);
        }
    }

    @Test
    void sameSeedSameBytes() {
        Path a = RandomLlamaCheckpoint.write(dir.resolve("a"), TINY, 7, BundledModel.folder(BundledModel.DEMO_CHAT));
        Path b = RandomLlamaCheckpoint.write(dir.resolve("b"), TINY, 7, BundledModel.folder(BundledModel.DEMO_CHAT));
        assertThat(a.resolve("model.safetensors")).hasSameBinaryContentAs(b.resolve("model.safetensors"));
    }
}
