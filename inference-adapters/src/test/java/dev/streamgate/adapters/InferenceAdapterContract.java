package dev.streamgate.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * What every {@link InferenceAdapter} promises, run by each adapter's test class (subclass it and supply the
 * hooks). Adapters in other modules reuse it through this module's test-jar.
 *
 * <p>The backend behind {@link #adapter()} must answer a user message with at least one text token; the one behind
 * {@link #slowAdapter()} must stream one token per word of {@link #TEN_WORDS}, at least 50 ms apart.
 */
public abstract class InferenceAdapterContract {
    protected static final String TEN_WORDS = "one two three four five six seven eight nine ten";

    /** The adapter under test. */
    protected abstract InferenceAdapter adapter();

    /** An adapter whose backend streams slowly (see the class comment); may be {@link #adapter()} reconfigured. */
    protected abstract InferenceAdapter slowAdapter();

    /**
     * A count of work the backend has started: requests received by a remote backend, or tasks started by a
     * local one. Used to show that a stream does nothing before it is subscribed.
     */
    protected abstract long backendCalls();

    /**
     * Completes when the backend has seen a stream cancelled (a remote one: its connection closed mid-reply).
     * Backends in the same process, where stopping emission is the whole story, keep the default.
     */
    protected Mono<?> backendCancellation() {
        return Mono.empty();
    }

    /** Whether the backend stops at {@code max_tokens}. */
    protected boolean honoursMaxTokens() {
        return true;
    }

    protected String model() {
        return "contract-model";
    }

    /** The longest any stream of the suite may take; generous, as a cold JVM's first exchange can be slow. */
    protected Duration timeout() {
        return Duration.ofSeconds(20);
    }

    protected InferenceRequest request(String text, Integer maxTokens) {
        return TestRequests.chat(model(), text, maxTokens);
    }

    @Test
    void streamsTextThenFinishes() {
        List<StreamEvent> events = collect(adapter().stream(request("Hello there, contract", null)));

        StringBuilder text = new StringBuilder();
        events.stream().filter(StreamEvent.TextDelta.class::isInstance)
                .forEach(event -> text.append(((StreamEvent.TextDelta) event).text()));
        assertThat(text.toString()).isNotBlank();
        assertThat(events.getFirst()).isInstanceOf(StreamEvent.TextDelta.class);
        assertThat(events.getLast()).isInstanceOf(StreamEvent.Finish.class);
    }

    /** {@link InferenceAdapter#batches}: no empty group, and the groups flattened follow the stream's rules. */
    @Test
    void batchesAreNonEmptyGroupsOfAStream() {
        List<List<StreamEvent>> batches = adapter().batches(request("Group the events of this", null))
                .collectList().block(timeout());

        assertThat(batches).isNotNull().isNotEmpty().allSatisfy(batch -> assertThat(batch).isNotEmpty());
        List<StreamEvent> events = batches.stream().flatMap(List::stream).toList();
        assertThat(events.getFirst()).isInstanceOf(StreamEvent.TextDelta.class);
        assertThat(events.getLast()).isInstanceOf(StreamEvent.Finish.class);
        assertThat(events).filteredOn(event -> event instanceof StreamEvent.Finish
                || event instanceof StreamEvent.StreamError).hasSize(1);
    }

    @Test
    void endsWithExactlyOneFinishOrError() {
        List<StreamEvent> events = collect(adapter().stream(request("Count the endings", null)));

        long terminals = events.stream()
                .filter(event -> event instanceof StreamEvent.Finish || event instanceof StreamEvent.StreamError)
                .count();
        assertThat(terminals).isEqualTo(1);
        assertThat(events.getLast()).isInstanceOfAny(StreamEvent.Finish.class, StreamEvent.StreamError.class);
    }

    @Test
    void reportsUsageAtMostOnceAndBeforeTheEnd() {
        List<StreamEvent> events = collect(adapter().stream(request("How many tokens is this", null)));

        List<Integer> usageAt = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof StreamEvent.UsageReport) {
                usageAt.add(i);
            }
        }
        assertThat(usageAt).hasSizeLessThanOrEqualTo(1);
        if (!usageAt.isEmpty()) {
            // deltas, then the usage report, then the finish: nothing may come between the last two
            assertThat(usageAt.getFirst()).isEqualTo(events.size() - 2);
        }
    }

    @Test
    void cancellationStopsTheStream() throws InterruptedException {
        AtomicInteger emitted = new AtomicInteger();
        Flux<StreamEvent> stream = slowAdapter().stream(request(TEN_WORDS, null)).doOnNext(e -> emitted.incrementAndGet());

        StepVerifier.create(stream)
                .expectNextCount(2)
                .thenCancel()
                .verify(timeout());
        int atCancel = emitted.get();

        StepVerifier.create(backendCancellation().then())
                .expectComplete()
                .verify(Duration.ofSeconds(1));
        Thread.sleep(200); // four token intervals of the slow backend: enough for a stray token to show up
        assertThat(emitted.get()).isEqualTo(atCancel).isLessThan(10);
    }

    @Test
    void streamIsColdUntilSubscribed() throws InterruptedException {
        long before = backendCalls();
        Flux<StreamEvent> stream = adapter().stream(request("Nothing happens yet", null));
        Thread.sleep(100); // an eager adapter's call would have reached a local backend by now

        assertThat(backendCalls()).isEqualTo(before);
        collect(stream);
        assertThat(backendCalls()).isGreaterThan(before);
    }

    @Test
    void respectsMaxTokens() {
        Assumptions.assumeTrue(honoursMaxTokens(), "the backend does not honour max_tokens");

        List<StreamEvent> events = collect(adapter().stream(request(TEN_WORDS, 3)));

        long deltas = events.stream().filter(StreamEvent.TextDelta.class::isInstance).count();
        assertThat(deltas).isBetween(1L, 3L);
        events.stream().filter(StreamEvent.UsageReport.class::isInstance)
                .forEach(usage -> assertThat(((StreamEvent.UsageReport) usage).usage().completionTokens())
                        .isLessThanOrEqualTo(3));
        assertThat(events.getLast()).isEqualTo(new StreamEvent.Finish(FinishReason.LENGTH));
    }

    @Test
    void servesItsDeployment() {
        assertThat(adapter().deploymentId()).isNotBlank();
    }

    /** Every event of a stream that must complete normally. */
    protected List<StreamEvent> collect(Flux<StreamEvent> stream) {
        List<StreamEvent> events = new ArrayList<>();
        StepVerifier.create(stream)
                .thenConsumeWhile(event -> true, events::add)
                .expectComplete()
                .verify(timeout());
        assertThat(events).isNotEmpty();
        return events;
    }
}
