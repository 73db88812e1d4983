package dev.streamgate.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The demo chat model's seven greedy answers from samples.json, token for token, generated together as a
 * continuously batched group (one prefill step for all, then one decode step per token for those still going).
 */
class DemoChatEngineTest {

    @Test
    void answersAllSampleQuestionsTokenForTokenInOneBatch() {
        JsonNode samples = Fixtures.json(Fixtures.demoChat().resolve("samples.json")).get("samples");
        List<PagedSequence> sequences = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        try (NativeEngine engine = NativeEngine.load(Fixtures.demoChat(), Fixtures.cpu().withKvBlockSize(8).withKvBlocks(64))) {
            for (int i = 0; i < samples.size(); i++) {
                sequences.add(new PagedSequence(i, Fixtures.ints(samples.get(i).get("prompt_ids")), PagedSequence.scatteredBlocks(i, 7, 6)));
                expected.add(Fixtures.ints(samples.get(i).get("greedy_ids")));
            }
            int[] promptLengths = sequences.stream().mapToInt(s -> s.tokens.size()).toArray();
            for (int step = 0; ; step++) {
                List<BatchEntry> batch = new ArrayList<>();
                List<PagedSequence> running = new ArrayList<>();
                for (int i = 0; i < sequences.size(); i++) {
                    if (step >= expected.get(i).length) continue;
                    running.add(sequences.get(i));
                    batch.add(sequences.get(i).rest(SamplingParams.GREEDY));
                }
                if (batch.isEmpty()) break;
                List<StepOutput> out = engine.step(batch);
                for (int j = 0; j < batch.size(); j++) {
                    running.get(j).advance(batch.get(j));
                    running.get(j).append(out.get(j).token());
                }
            }
            for (int i = 0; i < sequences.size(); i++)
                assertThat(sequences.get(i).generatedAfter(promptLengths[i])).as("sample %d", i).containsExactly(expected.get(i));
        }
    }
}
