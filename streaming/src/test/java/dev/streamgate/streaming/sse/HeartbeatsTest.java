package dev.streamgate.streaming.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamgate.streaming.testsupport.CountingScheduler;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class HeartbeatsTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration JUST_BEFORE = INTERVAL.minusMillis(1);
    private static final Duration VERIFY = Duration.ofSeconds(5);
    private static final String BEAT = "♥";

    private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
    private final AtomicInteger beats = new AtomicInteger();

    private Flux<String> withHeartbeats(Flux<String> source) {
        return Heartbeats.withHeartbeats(source, INTERVAL, () -> {
            beats.incrementAndGet();
            return BEAT;
        }, scheduler);
    }

    @Test
    void beatsAfterEachIntervalOfSilence() {
        StepVerifier.withVirtualTime(() -> withHeartbeats(Flux.never()), () -> scheduler, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .thenAwait(INTERVAL.multipliedBy(3))
                .expectNext(BEAT, BEAT, BEAT)
                .thenCancel()
                .verify(VERIFY);
    }

    @Test
    void everyElementRestartsTheSilenceTimer() {
        TestPublisher<String> source = TestPublisher.create();
        StepVerifier.withVirtualTime(() -> withHeartbeats(source.flux()), () -> scheduler, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(7))
                .then(() -> source.next("a"))
                .expectNext("a")
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .thenAwait(Duration.ofSeconds(3))
                .then(() -> source.next("b"))
                .expectNext("b")
                .expectNoEvent(JUST_BEFORE)
                .then(() -> source.next("c"))
                .expectNext("c")
                .expectNoEvent(JUST_BEFORE)
                .then(source::complete)
                .expectComplete()
                .verify(VERIFY);
        assertThat(beats).hasValue(1);
    }

    @Test
    void aBusySourceNeverGetsHeartbeats() {
        StepVerifier.withVirtualTime(() -> withHeartbeats(
                        Flux.interval(JUST_BEFORE, scheduler).map(i -> "t" + i).take(20)),
                        () -> scheduler, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(JUST_BEFORE.multipliedBy(20))
                .expectNextCount(20)
                .expectComplete()
                .verify(VERIFY);
        assertThat(beats).hasValue(0);
    }

    @Test
    void elementsDoNotEachRestartATimer() {
        CountingScheduler counting = new CountingScheduler(scheduler);
        TestPublisher<String> source = TestPublisher.create();
        List<String> seen = new ArrayList<>();
        Disposable subscription = Heartbeats.withHeartbeats(source.flux(), INTERVAL, () -> BEAT, counting)
                .subscribe(seen::add);
        for (int i = 0; i < 1000; i++) {  // 1000 tokens over 5 s, then silence
            source.next("t" + i);
            scheduler.advanceTimeBy(Duration.ofMillis(5));
        }
        scheduler.advanceTimeBy(INTERVAL);

        assertThat(seen).hasSize(1001).endsWith(BEAT);
        // The first deadline, one more after the tokens moved it, the one after the beat: not one per token.
        assertThat(counting.timers()).isLessThanOrEqualTo(3);
        subscription.dispose();
    }

    @Test
    void aSynchronousSourcePassesThroughWithoutBeats() {
        StepVerifier.withVirtualTime(() -> withHeartbeats(Flux.just("a", "b")), () -> scheduler, Long.MAX_VALUE)
                .expectNext("a", "b")
                .expectComplete()
                .verify(VERIFY);
        assertThat(beats).hasValue(0);
        assertThat(scheduler.isDisposed()).isTrue();
    }

    /*
     * The next three drive the scheduler by hand instead of through withVirtualTime, which disposes it on
     * termination: they check that no timer outlives the stream, so time must still be advanceable afterwards.
     */

    private Duration advance(Duration duration) {
        scheduler.advanceTimeBy(duration);
        return duration;
    }

    @Test
    void stopsWithTheSource() {
        TestPublisher<String> source = TestPublisher.create();
        StepVerifier.create(withHeartbeats(source.flux()))
                .expectSubscription()
                .then(() -> advance(INTERVAL))
                .expectNext(BEAT)
                .then(source::complete)
                .expectComplete()
                .verify(VERIFY);
        scheduler.advanceTimeBy(Duration.ofHours(1));
        assertThat(beats).hasValue(1);
    }

    @Test
    void propagatesErrorsOnce() {
        var dropped = new ArrayList<Throwable>();
        Hooks.onErrorDropped(dropped::add);
        try {
            TestPublisher<String> source = TestPublisher.create();
            StepVerifier.create(withHeartbeats(source.flux()))
                    .expectSubscription()
                    .then(() -> source.next("a"))
                    .expectNext("a")
                    .then(() -> advance(INTERVAL))
                    .expectNext(BEAT)
                    .then(() -> source.error(new IllegalStateException("upstream reset")))
                    .expectErrorMessage("upstream reset")
                    .verify(VERIFY);
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).isEmpty();
        scheduler.advanceTimeBy(Duration.ofHours(1));
        assertThat(beats).hasValue(1);
    }

    @Test
    void cancellationReachesTheSourceAndStopsTheTimer() {
        TestPublisher<String> source = TestPublisher.create();
        StepVerifier.create(withHeartbeats(source.flux()))
                .expectSubscription()
                .then(() -> advance(INTERVAL))
                .expectNext(BEAT)
                .thenCancel()
                .verify(VERIFY);
        source.assertWasCancelled();
        scheduler.advanceTimeBy(Duration.ofHours(1));
        assertThat(beats).hasValue(1);
    }

    /**
     * A subscriber that stops requesting loses no source element, gets nothing it did not ask for, and finds at
     * most one heartbeat waiting when it resumes.
     */
    @Test
    void respectsBackpressure() {
        TestPublisher<String> source = TestPublisher.create();
        List<String> received = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> withHeartbeats(source.flux()), () -> scheduler, 0)
                .expectSubscription()
                .then(() -> source.next("a", "b", "c"))
                .thenAwait(Duration.ofMinutes(1))
                .expectNoEvent(Duration.ofMinutes(1))
                .thenRequest(1)
                .recordWith(() -> received)
                .expectNextCount(1)
                .thenRequest(10)
                .expectNextCount(3)
                .consumeRecordedWith(stalled -> {
                    assertThat(stalled.stream().filter(e -> !e.equals(BEAT))).containsExactly("a", "b", "c");
                    assertThat(stalled.stream().filter(BEAT::equals)).hasSize(1);
                })
                .expectNoEvent(JUST_BEFORE)
                .thenAwait(Duration.ofMillis(1))
                .expectNext(BEAT)
                .then(source::complete)
                .expectComplete()
                .verify(VERIFY);
    }

    @Test
    void rejectsANonPositiveInterval() {
        assertThatThrownBy(() -> Heartbeats.withHeartbeats(Flux.just("a"), Duration.ZERO, () -> BEAT, scheduler))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
