package dev.streamgate.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.streamgate.worker.scheduler.SchedulerState;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Batching changes nothing: 16 concurrent greedy requests of mixed lengths give the same tokens as each run alone,
 * also when the KV pool is so small that sequences are preempted and recomputed, and when some requests are
 * cancelled mid-stream (after which every KV block is back in the pool). Runs against any engine: a subclass says
 * how to start a runtime on it.
 */
public abstract class BatchingInvarianceContract {
    private static final int REQUESTS = 16;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String TEXT = "The gateway streams tokens to every tenant. A request retries the prompt "
            + "again when the upstream fails before the first token. The scheduler batches many sequences on the "
            + "GPU and preempts the newest one when memory runs out, then recomputes it later. Rate limits keep "
            + "each tenant within its plan, and usage is metered exactly once per request id.";

    private final List<WorkerRuntime> started = new ArrayList<>();

    /** Starts a runtime on the engine under test with these options (the KV pool size among them). */
    protected abstract WorkerRuntime startRuntime(WorkerOptions options);

    /** Checks the engine saw only valid batches, where the engine can tell. */
    protected void assertEngineSawValidBatches() {
    }

    @AfterEach
    void closeRuntimes() {
        started.forEach(WorkerRuntime::close);
        started.clear();
    }

    @Test
    void concurrentRequestsGiveTheSameTokensAsAlone() {
        WorkerRuntime runtime = start(WorkerOptions.DEFAULTS);
        Map<Integer, List<Integer>> alone = alone(runtime);

        Map<Integer, List<Integer>> together = together(runtime, i -> maxTokens(i), -1);

        assertThat(together).isEqualTo(alone);
        assertIdle(runtime);
        assertEngineSawValidBatches();
    }

    @Test
    void preemptionAndRecomputeGiveTheSameTokens() {
        WorkerRuntime reference = start(WorkerOptions.DEFAULTS);
        Map<Integer, List<Integer>> alone = alone(reference);
        int longest = 0;
        for (int i = 0; i < REQUESTS; i++) {
            longest = Math.max(longest, reference.prepareCompletion(request(reference, i, maxTokens(i)))
                    .promptTokens().length + maxTokens(i));
        }
        int blockSize = reference.engineInfo().kvBlockSize();
        // Room for the longest request and one block more: sixteen requests must take turns.
        WorkerRuntime tiny = start(WorkerOptions.DEFAULTS.withKvBlocks(Math.ceilDiv(longest, blockSize) + 1));

        Map<Integer, List<Integer>> together = together(tiny, i -> maxTokens(i), -1);

        assertThat(tiny.state().preemptions()).as("preemptions").isPositive();
        assertThat(together).isEqualTo(alone);
        assertIdle(tiny);
        assertEngineSawValidBatches();
    }

    @Test
    void cancelledRequestsFreeTheirBlocksAndDoNotDisturbTheOthers() {
        WorkerRuntime runtime = start(WorkerOptions.DEFAULTS);
        Map<Integer, List<Integer>> alone = alone(runtime);
        int longMax = 200;

        // Every fourth request asks for many tokens and is cancelled after its second one.
        Map<Integer, List<Integer>> together = together(runtime, i -> i % 4 == 0 ? longMax : maxTokens(i), 2);

        for (int i = 0; i < REQUESTS; i++) {
            if (i % 4 == 0) {
                assertThat(together.get(i)).as("cancelled request %d", i).hasSize(2)
                        .isEqualTo(alone.get(i).subList(0, 2));
            } else {
                assertThat(together.get(i)).as("request %d", i).isEqualTo(alone.get(i));
            }
        }
        assertIdle(runtime);
        assertThat(runtime.state().cancellations()).as("cancellations").isPositive();
        assertEngineSawValidBatches();
    }

    // --- helpers

    private WorkerRuntime start(WorkerOptions options) {
        WorkerRuntime runtime = startRuntime(options);
        started.add(runtime);
        return runtime;
    }

    private static int maxTokens(int i) {
        return 6 + (i * 7) % 30;
    }

    private Map<Integer, List<Integer>> alone(WorkerRuntime runtime) {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            List<Integer> tokens = tokens(runtime, i, maxTokens(i), -1).block(TIMEOUT);
            assertThat(tokens).as("request %d alone", i).hasSize(maxTokens(i));
            out.put(i, tokens);
        }
        return out;
    }

    private Map<Integer, List<Integer>> together(WorkerRuntime runtime, java.util.function.IntUnaryOperator max,
                                                 int cancelAfterForEveryFourth) {
        return Flux.range(0, REQUESTS)
                .flatMap(i -> tokens(runtime, i, max.applyAsInt(i), i % 4 == 0 ? cancelAfterForEveryFourth : -1)
                        .map(tokens -> Map.entry(i, tokens)), REQUESTS)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                .block(TIMEOUT);
    }

    /** The greedy tokens of request {@code i}; with {@code cancelAfter >= 0}, cancels after that many. */
    private Mono<List<Integer>> tokens(WorkerRuntime runtime, int i, int maxTokens, int cancelAfter) {
        Flux<Integer> tokens = runtime.generate(runtime.prepareCompletion(request(runtime, i, maxTokens)))
                .ofType(GenerationEvent.Token.class)
                .map(GenerationEvent.Token::tokenId);
        return (cancelAfter >= 0 ? tokens.take(cancelAfter) : tokens).collectList();
    }

    /** Prompt {@code i} is the first {@code 3 + 4i} words of a text: 16 prompts of mixed lengths. */
    private static CompletionRequest request(WorkerRuntime runtime, int i, int maxTokens) {
        String[] words = TEXT.split(" ");
        String prompt = String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, 3 + 4 * i)));
        ObjectNode body = JsonMapper.shared().createObjectNode();
        body.put("model", runtime.modelName());
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        // Every request runs to its own max_tokens: the lengths stay mixed, and the pool really fills up, whatever
        // the model thinks of the prompt (a chat model may end a bare text prompt with EOS at once).
        body.put("ignore_eos", true);
        return new CompletionRequest(runtime.modelName(), prompt, null, false, false, body);
    }

    private static void assertIdle(WorkerRuntime runtime) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        SchedulerState state = runtime.state();
        while (!state.idle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            state = runtime.state();
        }
        assertThat(state.idle()).as("idle with every KV block free: %s", state).isTrue();
        assertThat(state.kvBlocksUsed()).isZero();
    }
}
