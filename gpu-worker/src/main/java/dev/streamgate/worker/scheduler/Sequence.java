package dev.streamgate.worker.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StopSequenceMatcher;
import dev.streamgate.worker.tokenizer.IncrementalDetokenizer;
import dev.streamgate.worker.tokenizer.TokenVocabulary;

/** A request's live state on the scheduler thread: its tokens so far, how many have K/V in the cache, its text. */
final class Sequence {
    /** Waiting order: priority, then arrival. The newest of the lowest priority is preempted first. */
    static final Comparator<Sequence> ORDER = Comparator
            .comparingInt((Sequence s) -> s.request.priority())
            .thenComparingLong(s -> s.arrival);

    enum State { WAITING, RUNNING }

    final GenerationRequest request;
    final long arrival;
    final Instant arrivedAt;
    final int promptLength;
    final IncrementalDetokenizer detokenizer;
    final StopSequenceMatcher stopStrings;

    State state = State.WAITING;
    int[] tokens;
    int length;
    /** Tokens whose K/V are in the cache; the rest (prompt, or everything after a preemption) is to prefill. */
    int computed;
    int generated;
    int preemptions;
    Instant firstTokenAt;
    Instant lastTokenAt;

    Sequence(GenerationRequest request, long arrival, Instant arrivedAt, TokenVocabulary vocabulary) {
        this.request = request;
        this.arrival = arrival;
        this.arrivedAt = arrivedAt;
        this.promptLength = request.promptTokens().length;
        this.tokens = Arrays.copyOf(request.promptTokens(), promptLength + Math.min(request.maxTokens(), 256));
        this.length = promptLength;
        this.detokenizer = new IncrementalDetokenizer(vocabulary, request.skipSpecialTokens());
        this.stopStrings = new StopSequenceMatcher(request.stop());
    }

    long id() {
        return request.id();
    }

    /** Tokens still to feed the engine: 1 while decoding, more while (re)filling the prompt. */
    int remaining() {
        return length - computed;
    }

    boolean decoding() {
        return computed > 0 && remaining() == 1;
    }

    /** The text a sampled token releases, and the reason generation ends with it (null if it goes on). */
    record Outcome(String text, FinishReason finish) {
    }

    /**
     * Appends a sampled token and applies the stop rules: an EOS id (unless ignored), a stop string in the text so
     * far, {@code max_tokens}, the context length. When generation ends for another reason than a stop string,
     * held-back text is released: an unfinished character as U+FFFD, and text kept as a possible stop string's
     * start (which may still complete one).
     */
    Outcome accept(int token, Set<Integer> eosTokenIds, int contextLength) {
        append(token);
        if (!request.ignoreEos() && eosTokenIds.contains(token)) {
            return release("", FinishReason.STOP);
        }
        StopSequenceMatcher.Result result = stopStrings.feed(detokenizer.push(token));
        if (result.stopped()) {
            return new Outcome(result.text(), FinishReason.STOP);
        }
        if (generated >= request.maxTokens() || length >= contextLength) {
            return release(result.text(), FinishReason.LENGTH);
        }
        return new Outcome(result.text(), null);
    }

    private Outcome release(String text, FinishReason finish) {
        StopSequenceMatcher.Result tail = stopStrings.feed(detokenizer.finish());
        if (tail.stopped()) {
            return new Outcome(text + tail.text(), FinishReason.STOP);
        }
        return new Outcome(text + tail.text() + stopStrings.flush(), finish);
    }

    private void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
        generated++;
    }

    /** Forgets the cached K/V: the whole sequence so far, generated tokens included, becomes the prompt to refill. */
    void preempt() {
        computed = 0;
        preemptions++;
        state = State.WAITING;
    }
}
