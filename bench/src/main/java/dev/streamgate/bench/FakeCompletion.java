package dev.streamgate.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bytes the fake upstream answers with, in OpenAI's chat completions wire format: one {@code chat.completion}
 * for a non-streaming request, or the SSE stream of {@code chat.completion.chunk}s (role, one chunk per token, the
 * finish reason, the usage chunk when {@code stream_options.include_usage} is set, and {@code data: [DONE]}).
 *
 * <p>Responses are rendered once per {@link Shape} and kept, so that under load the fake spends its CPU on the
 * network and not on writing JSON; a load generator sends the same body again and again, so only a handful of
 * shapes ever exist. The number of kept shapes is bounded; beyond it responses are rendered per request.
 */
final class FakeCompletion {
    static final String COMPLETION_ID = "chatcmpl-streamgate-bench";
    static final String FINGERPRINT = "fp_streamgate_bench";
    private static final int MAX_CACHED_SHAPES = 1024;
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final String[] WORDS = ("StreamGate answers every request with the same fake reply so that the"
            + " benchmark measures the gateway and nothing else").split(" ");

    /**
     * What one response depends on.
     *
     * @param completionTokens tokens to send: the configured number, or fewer when {@code max_tokens} says so
     * @param truncated        whether {@code max_tokens} cut the reply short (finish reason {@code length})
     */
    record Shape(String model, boolean stream, boolean includeUsage, int promptTokens, int completionTokens,
                 boolean truncated) {
    }

    /**
     * A rendered response: for a stream, its SSE frames in order (the first carries the role and the first token;
     * the last ends with {@code [DONE]}), for a completion one frame holding the JSON.
     */
    record Rendered(List<byte[]> frames, byte[] whole) {
    }

    private final JsonMapper json;
    private final List<String> tokens;
    private final long created;
    private final Map<Shape, Rendered> cache = new ConcurrentHashMap<>();

    /**
     * @param tokens  the reply's length in tokens (words of a fixed sentence, repeated as needed)
     * @param created the {@code created} timestamp in every response (Unix seconds)
     */
    FakeCompletion(JsonMapper json, int tokens, long created) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be at least 1, was " + tokens);
        }
        this.json = json;
        this.created = created;
        List<String> list = new ArrayList<>(tokens);
        for (int i = 0; i < tokens; i++) {
            list.add((i == 0 ? "" : " ") + WORDS[i % WORDS.length]);
        }
        this.tokens = List.copyOf(list);
    }

    int tokens() {
        return tokens.size();
    }

    Rendered render(Shape shape) {
        Rendered rendered = cache.get(shape);
        if (rendered != null) {
            return rendered;
        }
        rendered = shape.stream() ? stream(shape) : completion(shape);
        if (cache.size() < MAX_CACHED_SHAPES) {
            cache.putIfAbsent(shape, rendered);
        }
        return rendered;
    }

    private Rendered stream(Shape shape) {
        List<byte[]> frames = new ArrayList<>(shape.completionTokens() + 1);
        for (int i = 0; i < shape.completionTokens(); i++) {
            byte[] token = event(chunk(shape, delta(tokens.get(i)), null));
            frames.add(i == 0 ? concat(List.of(event(chunk(shape, roleDelta(), null)), token)) : token);
        }
        List<byte[]> last = new ArrayList<>(4);
        last.add(frames.removeLast());
        last.add(event(chunk(shape, json.createObjectNode(), shape.truncated() ? "length" : "stop")));
        if (shape.includeUsage()) {
            ObjectNode usageChunk = header(shape, "chat.completion.chunk");
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(shape));
            last.add(event(usageChunk));
        }
        last.add(DONE);
        frames.add(concat(last));
        return new Rendered(List.copyOf(frames), concat(frames));
    }

    private Rendered completion(Shape shape) {
        ObjectNode body = json.createObjectNode();
        body.put("id", COMPLETION_ID);
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", shape.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", String.join("", tokens.subList(0, shape.completionTokens())));
        message.putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", shape.truncated() ? "length" : "stop");
        body.set("usage", usage(shape));
        body.put("service_tier", "default");
        body.put("system_fingerprint", FINGERPRINT);
        byte[] bytes = json.writeValueAsBytes(body);
        return new Rendered(List.of(bytes), bytes);
    }

    private ObjectNode chunk(Shape shape, ObjectNode delta, String finishReason) {
        ObjectNode chunk = header(shape, "chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (shape.includeUsage()) {
            // OpenAI puts "usage": null on every chunk but the last when the caller asked for usage.
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode header(Shape shape, String object) {
        ObjectNode node = json.createObjectNode();
        node.put("id", COMPLETION_ID);
        node.put("object", object);
        node.put("created", created);
        node.put("model", shape.model());
        node.put("service_tier", "default");
        node.put("system_fingerprint", FINGERPRINT);
        return node;
    }

    private ObjectNode roleDelta() {
        ObjectNode delta = json.createObjectNode();
        delta.put("role", "assistant");
        delta.put("content", "");
        delta.putNull("refusal");
        return delta;
    }

    private ObjectNode delta(String content) {
        ObjectNode delta = json.createObjectNode();
        delta.put("content", content);
        return delta;
    }

    private ObjectNode usage(Shape shape) {
        ObjectNode usage = json.createObjectNode();
        usage.put("prompt_tokens", shape.promptTokens());
        usage.put("completion_tokens", shape.completionTokens());
        usage.put("total_tokens", shape.promptTokens() + shape.completionTokens());
        ObjectNode prompt = usage.putObject("prompt_tokens_details");
        prompt.put("cached_tokens", 0);
        prompt.put("audio_tokens", 0);
        ObjectNode completion = usage.putObject("completion_tokens_details");
        completion.put("reasoning_tokens", 0);
        completion.put("audio_tokens", 0);
        completion.put("accepted_prediction_tokens", 0);
        completion.put("rejected_prediction_tokens", 0);
        return usage;
    }

    private byte[] event(ObjectNode node) {
        return concat(List.of(DATA, json.writeValueAsBytes(node), END_OF_EVENT));
    }

    private static byte[] concat(List<byte[]> parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
