package dev.streamgate.worker.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;

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
    final StopStringMatcher stopStrings;

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
        this.stopStrings = new StopStringMatcher(request.stop());
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

    void append(int token) {
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
