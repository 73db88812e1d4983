package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.ChatCompletionAssembler;
import dev.streamgate.streaming.openai.OpenAiChunkEncoder;
import dev.streamgate.streaming.sse.SseFrames;
import dev.streamgate.worker.GenerationEvent;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * One chat request's response, written by the streaming module's codecs that the gateway writes with too
 * ({@link OpenAiChunkEncoder} for the SSE chunks, {@link ChatCompletionAssembler} for the whole body). The worker
 * adds the one thing those leave {@code null}: per-token {@code logprobs}, when the request asks for them
 * ({@link ChatLogprobs}). Stateful per request; events arrive serially.
 */
final class ChatResponses implements AutoCloseable {
    private final String id;
    private final long created;
    private final String model;
    private final boolean logprobs;
    private final OpenAiChunkEncoder encoder;

    ChatResponses(String id, long created, String model, boolean includeUsage, boolean logprobs) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.logprobs = logprobs;
        this.encoder = new OpenAiChunkEncoder(id, created, model, includeUsage);
    }

    /** The SSE frames of one event (none for a token that released no text, unless it carries logprobs). */
    List<byte[]> frames(GenerationEvent event) {
        List<byte[]> frames = new ArrayList<>(2);
        if (logprobs && event instanceof GenerationEvent.Token token && token.logprob() != null) {
            // Every token gets its chunk, text or not; its logprobs go into the content chunk, which is the last
            // the encoder writes (a role chunk comes first at the start of the stream).
            List<byte[]> chunks = encoder.encode(new StreamEvent.TextDelta(token.text()));
            for (int i = 0; i < chunks.size(); i++) {
                byte[] chunk = i < chunks.size() - 1 ? chunks.get(i)
                        : ChatLogprobs.intoChoice(chunks.get(i), ChatLogprobs.of(List.of(token.logprob())));
                frames.add(SseFrames.data(chunk));
            }
            return frames;
        }
        for (StreamEvent streamEvent : event.streamEvents()) {
            encoder.encode(streamEvent, (buffer, offset, length) -> frames.add(SseFrames.data(buffer, offset,
                    length)));
        }
        return frames;
    }

    /** The non-streaming response: a {@code chat.completion}, or a 500 with the error the generation ended in. */
    JsonBody complete(List<GenerationEvent> events) {
        ChatCompletionAssembler assembler = new ChatCompletionAssembler(id, created, model);
        List<GenerationEvent.TokenLogprob> tokenLogprobs = new ArrayList<>();
        for (GenerationEvent event : events) {
            if (event instanceof GenerationEvent.Token token && token.logprob() != null) {
                tokenLogprobs.add(token.logprob());
            }
            event.streamEvents().forEach(assembler::accept);
        }
        if (assembler.error() != null) {
            return new JsonBody(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    OpenAiChunkEncoder.encodeError(assembler.error()));
        }
        if (!assembler.finished()) {
            return JsonBody.serverError("generation ended without a result");
        }
        byte[] body = assembler.toJson();
        return new JsonBody(HttpResponseStatus.OK,
                logprobs ? ChatLogprobs.intoChoice(body, ChatLogprobs.of(tokenLogprobs)) : body);
    }

    /** Releases the encoder's buffers when a stream is cancelled before its end. */
    @Override
    public void close() {
        encoder.close();
    }
}
