package dev.streamgate.worker.server;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.worker.GenerationEvent;
import tools.jackson.databind.node.ObjectNode;

/** Encodes one text completion request's events as {@code text_completion} SSE frames or one response body. */
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

    List<String> frames(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Token token -> {
                if (token.text().isEmpty() && token.logprob() == null) {
                    yield List.of();
                }
                ObjectNode logprobs = token.logprob() == null ? null
                        : OpenAiJson.completionLogprobs(List.of(token.logprob()), List.of(textLength));
                textLength += token.text().length();
                yield List.of(OpenAiJson.sse(chunk(token.text(), logprobs, null)));
            }
            case GenerationEvent.Finished finished -> {
                List<String> frames = new ArrayList<>();
                frames.add(OpenAiJson.sse(chunk("", null, finished.reason().wireName())));
                if (includeUsage) {
                    ObjectNode usage = base();
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

    String complete(GenerationResult result) {
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
        return OpenAiJson.json(body);
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
