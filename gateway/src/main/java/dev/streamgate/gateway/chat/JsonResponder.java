package dev.streamgate.gateway.chat;

import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.web.DirectAnswer;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatCompletionAssembler;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Answers a non-streaming request with one {@code chat.completion} JSON, assembled from the adapter's events (an
 * OpenAI-compatible upstream is asked for one answer and its events are that answer's; the in-process worker
 * streams). Nothing has been sent when the events fail, so any failure, even after some tokens, is a proper HTTP
 * error.
 */
@Component
class JsonResponder {
    private final MeteredEvents metered;

    JsonResponder(MeteredEvents metered) {
        this.metered = metered;
    }

    Mono<DirectAnswer> respond(ChatCall call) {
        return metered.of(call)
                .collect(() -> new ChatCompletionAssembler(call.id(), call.created(), call.chat().model()),
                        (assembler, batch) -> batch.forEach(assembler::accept))
                .flatMap(assembled -> {
                    StreamEvent.StreamError error = assembled.error();
                    if (error != null) {
                        return Mono.error(GatewayException.upstream(error.status(), error.code(),
                                error.message(), null));
                    }
                    return Mono.just(new DirectAnswer.Whole(MediaType.APPLICATION_JSON_VALUE,
                            call.responseHeaders(), assembled.toJson()));
                });
    }
}
