package dev.streamgate.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class EventLoopTimerTest {
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Test
    void aTimerArmedOnAnEventLoopFiresOnThatLoop() throws Exception {
        var timer = new EventLoopTimer(Schedulers.parallel());
        CompletableFuture<Boolean> firedOnLoop = new CompletableFuture<>();
        loop.execute(() -> timer.schedule(() -> firedOnLoop.complete(loop.inEventLoop()), 10, TimeUnit.MILLISECONDS));
        assertThat(firedOnLoop.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDisposedTimerNeverFires() throws Exception {
        var timer = new EventLoopTimer(Schedulers.parallel());
        AtomicBoolean fired = new AtomicBoolean();
        CompletableFuture<Disposable> armed = new CompletableFuture<>();
        loop.execute(() -> {
            Disposable timeout = timer.schedule(() -> fired.set(true), 50, TimeUnit.MILLISECONDS);
            timeout.dispose();
            armed.complete(timeout);
        });
        assertThat(armed.get(5, TimeUnit.SECONDS).isDisposed()).isTrue();
        // a task queued after the deadline runs after it: by then a timer that was not cancelled would have run
        CountDownLatch later = new CountDownLatch(1);
        loop.schedule(later::countDown, 150, TimeUnit.MILLISECONDS);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(fired).isFalse();
    }

    @Test
    void offAnEventLoopTheFallbackRunsTheTimer() {
        VirtualTimeScheduler fallback = VirtualTimeScheduler.create();
        var timer = new EventLoopTimer(fallback);
        AtomicBoolean fired = new AtomicBoolean();
        timer.schedule(() -> fired.set(true), 1, TimeUnit.SECONDS);
        assertThat(fired).isFalse();
        fallback.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(fired).isTrue();
        assertThat(timer.now(TimeUnit.SECONDS)).isEqualTo(fallback.now(TimeUnit.SECONDS));
    }

    @Test
    void monoDelayOnTheLoopEmitsOnIt() throws Exception {
        var timer = new EventLoopTimer(Schedulers.parallel());
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        loop.execute(() -> Mono.delay(Duration.ofMillis(5), timer)
                .subscribe(tick -> onLoop.complete(loop.inEventLoop()), onLoop::completeExceptionally));
        assertThat(onLoop.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
