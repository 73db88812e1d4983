package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.worker.GenerationEvent;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes one chat request's events as {@code chat.completion.chunk} SSE frames, or as one {@code chat.completion}.
 * Stateful per request.
 */
final class ChatResponses {
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;

    ChatResponses(String id, long created, String model, boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** The first frame: the assistant role, as OpenAI sends it before any content. */
    String roleFrame() {
        ObjectNode delta = OpenAiJson.object();
        delta.put("role", "assistant");
        delta.put("content", "");
        return OpenAiJson.sse(chunk(delta, null, null));
    }

    List<String> frames(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Token token -> {
                if (token.text().isEmpty() && token.logprob() == null) {
                    yield List.of();
                }
                ObjectNode delta = OpenAiJson.object();
                delta.put("content", token.text());
                ObjectNode logprobs = token.logprob() == null ? null
                        : OpenAiJson.chatLogprobs(List.of(token.logprob()));
                yield List.of(OpenAiJson.sse(chunk(delta, logprobs, null)));
            }
            case GenerationEvent.Finished finished -> {
                List<String> frames = new ArrayList<>();
                frames.add(OpenAiJson.sse(chunk(OpenAiJson.object(), null, finished.reason().wireName())));
                if (includeUsage) {
                    ObjectNode usage = base("chat.completion.chunk");
                    usage.putArray("choices");
                    usage.set("usage", OpenAiJson.usage(finished.usage()));
                    frames.add(OpenAiJson.sse(usage));
                }
                yield frames;
            }
            case GenerationEvent.Failed failed -> List.of(OpenAiJson.sse(
                    OpenAiJson.error(failed.message(), "server_error", null, "worker_error")));
        };
    }

    /** The whole response of a non-streaming request; a failed generation is the caller's to turn into a 500. */
    String complete(GenerationResult result) {
        ObjectNode body = base("chat.completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", result.text());
        if (result.logprobs().isEmpty()) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", OpenAiJson.chatLogprobs(result.logprobs()));
        }
        choice.put("finish_reason", result.finished().reason().wireName());
        body.set("usage", OpenAiJson.usage(result.finished().usage()));
        return OpenAiJson.json(body);
    }

    private ObjectNode chunk(ObjectNode delta, ObjectNode logprobs, String finishReason) {
        ObjectNode chunk = base("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
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

    private ObjectNode base(String object) {
        ObjectNode node = OpenAiJson.object();
        node.put("id", id);
        node.put("object", object);
        node.put("created", created);
        node.put("model", model);
        return node;
    }
}
