package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.openai.OpenAiChunkEncoder;
import dev.streamgate.streaming.sse.SseFrames;
import dev.streamgate.worker.GenerationEvent;
import io.netty.handler.codec.http.HttpResponseStatus;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes one text completion request's events as {@code text_completion} SSE frames or one response body. The
 * legacy completions API has no codec in the streaming module (the gateway serves chat only); its framing and
 * error chunk are the streaming module's.
 */
final class CompletionResponses {
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    private int textLength;

    CompletionResponses(String id, long created, String model, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    List<byte[]> frames(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Token token -> {
                if (token.text().isEmpty() && token.logprob() == null) {
                    yield List.of();
                }
                ObjectNode logprobs = token.logprob() == null ? null
                        : OpenAiJson.completionLogprobs(List.of(token.logprob()), List.of(textLength));
                textLength += token.text().length();
                yield List.of(sse(chunk(token.text(), logprobs, null)));
            }
            case GenerationEvent.Finished finished -> {
                List<byte[]> frames = new ArrayList<>();
                frames.add(sse(chunk("", null, finished.reason().wireName())));
                if (includeUsage) {
                    ObjectNode usage = base();
                    usage.putArray("choices");
                    usage.set("usage", OpenAiJson.usage(finished.usage()));
                    frames.add(sse(usage));
                }
                yield frames;
            }
            case GenerationEvent.Failed failed -> List.of(SseFrames.data(OpenAiChunkEncoder.encodeError(
                    failed.streamError())));
        };
    }

    /** The non-streaming response: a {@code text_completion}, or a 500 with the error the generation ended in. */
    JsonBody complete(List<GenerationEvent> events) {
        GenerationResult result = GenerationResult.of(events);
        if (result.failure() != null) {
            return JsonBody.serverError(result.failure());
        }
        ObjectNode body = base();
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", result.text());
        if (result.logprobs().isEmpty()) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", OpenAiJson.completionLogprobs(result.logprobs(), result.textOffsets()));
        }
        choice.put("finish_reason", result.finished().reason().wireName());
        body.set("usage", OpenAiJson.usage(result.finished().usage()));
        return new JsonBody(HttpResponseStatus.OK, OpenAiJson.MAPPER.writeValueAsBytes(body));
    }

    private static byte[] sse(ObjectNode chunk) {
        return SseFrames.data(OpenAiJson.MAPPER.writeValueAsBytes(chunk));
    }

    private ObjectNode chunk(String text, ObjectNode logprobs, String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logprobs);
        }
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode base() {
        ObjectNode node = OpenAiJson.object();
        node.put("id", id);
        node.put("object", "text_completion");
        node.put("created", created);
        node.put("model", model);
        return node;
    }
}
