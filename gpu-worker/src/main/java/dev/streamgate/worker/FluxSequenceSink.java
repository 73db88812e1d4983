package dev.streamgate.worker;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.Usage;
import dev.streamgate.worker.scheduler.SequenceSink;
import dev.streamgate.worker.scheduler.TokenEvent;
import dev.streamgate.worker.tokenizer.TokenVocabulary;
import reactor.core.publisher.FluxSink;

/** Adapts the scheduler's callbacks for one sequence to a Reactor {@link FluxSink}. */
final class FluxSequenceSink implements SequenceSink {
    private final FluxSink<GenerationEvent> emitter;
    private final TokenVocabulary vocabulary;
    private final GenerationSettings settings;

    FluxSequenceSink(FluxSink<GenerationEvent> emitter, TokenVocabulary vocabulary, GenerationSettings settings) {
        this.emitter = emitter;
        this.vocabulary = vocabulary;
        this.settings = settings;
    }

    @Override
    public void onToken(TokenEvent event) {
        emitter.next(new GenerationEvent.Token(event.token(), event.text(), logprob(event)));
    }

    @Override
    public void onFinish(FinishReason reason, Usage usage) {
        emitter.next(new GenerationEvent.Finished(reason, usage));
        emitter.complete();
    }

    @Override
    public void onError(String message) {
        emitter.next(new GenerationEvent.Failed(message));
        emitter.complete();
    }

    private GenerationEvent.TokenLogprob logprob(TokenEvent event) {
        if (!settings.logprobs()) {
            return null;
        }
        List<GenerationEvent.TokenLogprob.Alternative> top = new ArrayList<>();
        int count = Math.min(settings.topLogprobs(), event.topTokens().length);
        for (int i = 0; i < count; i++) {
            int id = event.topTokens()[i];
            top.add(new GenerationEvent.TokenLogprob.Alternative(id, vocabulary.text(id), event.topLogprobs()[i],
                    vocabulary.bytes(id)));
        }
        return new GenerationEvent.TokenLogprob(event.token(), vocabulary.text(event.token()), event.logprob(),
                vocabulary.bytes(event.token()), List.copyOf(top));
    }
}
