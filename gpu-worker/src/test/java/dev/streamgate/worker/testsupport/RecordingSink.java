package dev.streamgate.worker.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.Usage;
import dev.streamgate.worker.scheduler.SequenceSink;
import dev.streamgate.worker.scheduler.TokenEvent;

/** Keeps what the scheduler sent one sequence. */
public final class RecordingSink implements SequenceSink {
    private final List<TokenEvent> events = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile FinishReason finish;
    private volatile Usage usage;
    private volatile String error;

    @Override
    public synchronized void onToken(TokenEvent event) {
        if (done.getCount() == 0) {
            throw new AssertionError("token after the end");
        }
        events.add(event);
    }

    @Override
    public synchronized void onFinish(FinishReason reason, Usage usage) {
        end();
        this.finish = reason;
        this.usage = usage;
        done.countDown();
    }

    @Override
    public synchronized void onError(String message) {
        end();
        this.error = message;
        done.countDown();
    }

    public synchronized List<Integer> tokens() {
        return events.stream().map(TokenEvent::token).toList();
    }

    public synchronized String text() {
        StringBuilder out = new StringBuilder();
        events.forEach(e -> out.append(e.text()));
        return out.toString();
    }

    public synchronized List<TokenEvent> events() {
        return List.copyOf(events);
    }

    public FinishReason finish() {
        return finish;
    }

    public Usage usage() {
        return usage;
    }

    public String error() {
        return error;
    }

    public boolean done() {
        return done.getCount() == 0;
    }

    public boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    private void end() {
        if (done.getCount() == 0) {
            throw new AssertionError("sequence ended twice");
        }
    }
}
