package dev.streamgate.worker;

import java.time.Duration;
import java.util.Arrays;

import dev.streamgate.worker.spi.EngineFactory;
import dev.streamgate.worker.testsupport.FakeEngine;
import dev.streamgate.worker.testsupport.FakeEngineFactory;
import dev.streamgate.worker.testsupport.Fixtures;
import tools.jackson.databind.JsonNode;

/**
 * The demo-chat samples contract with an engine that replays transformers' recorded greedy tokens for a prompt it
 * recognises, and fails for any other: it checks the Java side (the prompt ids the template and tokenizer produce,
 * EOS handling, detokenization, the response body); the native engine's subclass checks the forward pass too.
 */
class ReplayedDemoChatSamplesTest extends DemoChatSamplesContract {

    @Override
    protected EngineFactory engineFactory() {
        JsonNode samples = Fixtures.json(Fixtures.demoChat().resolve("samples.json")).path("samples");
        FakeEngine.NextToken replay = (context, sampling) -> {
            for (JsonNode sample : samples) {
                int[] prompt = Fixtures.ints(sample.path("prompt_ids"));
                int[] answer = Fixtures.ints(sample.path("greedy_ids"));
                if (context.length >= prompt.length
                        && Arrays.equals(Arrays.copyOf(context, prompt.length), prompt)
                        && context.length - prompt.length < answer.length) {
                    return answer[context.length - prompt.length];
                }
            }
            // The warm-up generation, and anything else that is not a sample prompt: an ordinary token.
            return 5;
        };
        return new FakeEngineFactory(Duration.ZERO, replay);
    }
}
