package dev.streamgate.worker;

import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;

/**
 * What the worker emits for one request, at token granularity (the worker's own HTTP server needs token ids and
 * logprobs; the gateway reads the coarser {@link dev.streamgate.streaming.StreamEvent} form). A stream is one
 * {@link Token} per sampled token, then one {@link Finished} or {@link Failed}.
 */
public sealed interface GenerationEvent {

    /**
     * The same event in the gateway's form: a token's text as a {@link StreamEvent.TextDelta} (none for a token that
     * released no text), a finish as the usage report and then the finish, a failure as a 500 stream error.
     */
    default List<StreamEvent> streamEvents() {
        return switch (this) {
            case Token token -> token.text().isEmpty() ? List.of() : List.of(new StreamEvent.TextDelta(token.text()));
            case Finished finished -> List.of(new StreamEvent.UsageReport(finished.usage()),
                    new StreamEvent.Finish(finished.reason()));
            case Failed failed -> List.of(failed.streamError());
        };
    }

    /**
     * @param text     the text this token releases (may be empty: a character or a possible stop string held back)
     * @param logprob  null unless the request asked for logprobs
     */
    record Token(int tokenId, String text, TokenLogprob logprob) implements GenerationEvent {
    }

    record Finished(FinishReason reason, Usage usage) implements GenerationEvent {
    }

    /** Generation broke off (engine failure, shutdown). */
    record Failed(String message) implements GenerationEvent {
        /** The failure as the end of an OpenAI stream: a server error, status 500 had it come before the response. */
        public StreamEvent.StreamError streamError() {
            return new StreamEvent.StreamError(500, "server_error", "worker_error", message);
        }
    }

    /** A token with its log-probability and the best alternatives, OpenAI's {@code logprobs.content[]} item. */
    record TokenLogprob(int tokenId, String token, float logprob, byte[] bytes, List<Alternative> top) {
        public record Alternative(int tokenId, String token, float logprob, byte[] bytes) {
        }
    }
}
