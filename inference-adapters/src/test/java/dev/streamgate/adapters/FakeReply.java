package dev.streamgate.adapters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamgate.streaming.TokenEstimator;
import dev.streamgate.streaming.openai.ChatMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@link FakeOpenAiUpstream} answers to one request. Immutable; every {@code with...}-style method returns a
 * changed copy.
 *
 * <ul>
 *   <li>{@link #echo()}: the last user message back word by word, honouring {@code max_tokens} /
 *       {@code max_completion_tokens} (finish reason {@code length}).</li>
 *   <li>{@link #tokens(String...)}: exactly these tokens.</li>
 *   <li>{@link #status(int)}: an error status with OpenAI's error JSON, optionally with {@code Retry-After}.</li>
 *   <li>{@link #raw(String, String)}: any body, for malformed streams.</li>
 * </ul>
 * Streams are shaped with {@link #headerDelay} (silence before the response starts), {@link #firstTokenDelay},
 * {@link #tokenDelay}, {@link #dropAfter} (connection closed mid-stream), {@link #hangAfter} (silence until the
 * client leaves), {@link #errorAfter} (an error chunk mid-stream) and {@link #withoutDone()}.
 */
public final class FakeReply implements Cloneable {
    private int status = 200;
    private String errorMessage = "fake upstream error";
    private String errorType = "server_error";
    private String retryAfter;
    private List<String> tokens;
    private Duration headerDelay = Duration.ZERO;
    private Duration firstTokenDelay = Duration.ZERO;
    private Duration tokenDelay = Duration.ZERO;
    private String finishReason;
    private Integer promptTokens;
    private Integer completionTokens;
    private int dropAfter = -1;
    private int hangAfter = -1;
    private int errorAfter = -1;
    private boolean done = true;
    private String rawContentType;
    private String rawBody;
    private Map<String, String> extraHeaders = Map.of();

    private FakeReply() {
    }

    public static FakeReply echo() {
        return new FakeReply();
    }

    public static FakeReply tokens(String... tokens) {
        FakeReply reply = new FakeReply();
        reply.tokens = List.of(tokens);
        return reply;
    }

    public static FakeReply status(int status) {
        FakeReply reply = new FakeReply();
        reply.status = status;
        return reply;
    }

    public static FakeReply raw(String contentType, String body) {
        FakeReply reply = new FakeReply();
        reply.rawContentType = contentType;
        reply.rawBody = body;
        return reply;
    }

    public FakeReply retryAfter(String value) {
        FakeReply copy = copy();
        copy.retryAfter = value;
        return copy;
    }

    public FakeReply message(String message) {
        FakeReply copy = copy();
        copy.errorMessage = message;
        return copy;
    }

    public FakeReply errorType(String type) {
        FakeReply copy = copy();
        copy.errorType = type;
        return copy;
    }

    public FakeReply header(String name, String value) {
        FakeReply copy = copy();
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        copy.extraHeaders = Map.copyOf(headers);
        return copy;
    }

    /** Silence before the response's status line: for connect/first-token timeouts and pool exhaustion. */
    public FakeReply headerDelay(Duration delay) {
        FakeReply copy = copy();
        copy.headerDelay = delay;
        return copy;
    }

    /** Silence between the response headers (and role chunk) and the first token. */
    public FakeReply firstTokenDelay(Duration delay) {
        FakeReply copy = copy();
        copy.firstTokenDelay = delay;
        return copy;
    }

    /** Silence before every token after the first. */
    public FakeReply tokenDelay(Duration delay) {
        FakeReply copy = copy();
        copy.tokenDelay = delay;
        return copy;
    }

    public FakeReply finishReason(String reason) {
        FakeReply copy = copy();
        copy.finishReason = reason;
        return copy;
    }

    /** The usage to report (when the request asks for it); by default estimated from the request. */
    public FakeReply usage(int prompt, int completion) {
        FakeReply copy = copy();
        copy.promptTokens = prompt;
        copy.completionTokens = completion;
        return copy;
    }

    /** Closes the connection after {@code tokens} tokens, without finishing the response. */
    public FakeReply dropAfter(int tokens) {
        FakeReply copy = copy();
        copy.dropAfter = tokens;
        return copy;
    }

    /** Goes silent after {@code tokens} tokens, until the client closes the connection. */
    public FakeReply hangAfter(int tokens) {
        FakeReply copy = copy();
        copy.hangAfter = tokens;
        return copy;
    }

    /** Sends an error chunk ({@code data: {"error": ...}}) after {@code tokens} tokens and ends the stream. */
    public FakeReply errorAfter(int tokens, String message) {
        FakeReply copy = copy();
        copy.errorAfter = tokens;
        copy.errorMessage = message;
        return copy;
    }

    /** Ends the stream after the finish chunk without {@code data: [DONE]}, as some servers do. */
    public FakeReply withoutDone() {
        FakeReply copy = copy();
        copy.done = false;
        return copy;
    }

    int status() {
        return status;
    }

    String errorMessage() {
        return errorMessage;
    }

    String errorType() {
        return errorType;
    }

    String retryAfter() {
        return retryAfter;
    }

    Duration headerDelay() {
        return headerDelay;
    }

    String rawContentType() {
        return rawContentType;
    }

    String rawBody() {
        return rawBody;
    }

    Map<String, String> extraHeaders() {
        return extraHeaders;
    }

    List<String> tokensFor(JsonNode body) {
        if (tokens != null) {
            return tokens;
        }
        List<String> words = words(lastUserText(body));
        int max = maxTokens(body);
        return max >= 0 && max < words.size() ? words.subList(0, max) : words;
    }

    private String finishReasonFor(JsonNode body, List<String> sent) {
        if (finishReason != null) {
            return finishReason;
        }
        if (tokens == null) {
            int max = maxTokens(body);
            if (max >= 0 && words(lastUserText(body)).size() > sent.size()) {
                return "length";
            }
        }
        return "stop";
    }

    String completionJson(String id, String model, List<String> sent, JsonNode body) {
        ObjectNode root = envelope(id, model, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", String.join("", sent));
        choice.put("finish_reason", finishReasonFor(body, sent));
        root.set("usage", usageJson(body, sent));
        return root.toString();
    }

    /** The SSE frames of a streamed answer; {@code closeConnection} cuts the connection (for drops). */
    Flux<String> frames(String id, String model, List<String> sent, JsonNode body, Runnable closeConnection) {
        List<Mono<String>> steps = new ArrayList<>();
        steps.add(Mono.just(chunk(id, model, delta -> delta.put("role", "assistant").put("content", ""), null)));
        for (int i = 0; i < sent.size(); i++) {
            if (i == dropAfter) {
                return withDrop(steps, closeConnection);
            }
            if (i == hangAfter) {
                return Flux.concat(steps).concatWith(Flux.never());
            }
            if (i == errorAfter) {
                steps.add(Mono.just("data: " + errorJson(errorMessage, errorType, null) + "\n\n"));
                return Flux.concat(steps);
            }
            String token = sent.get(i);
            Duration delay = i == 0 ? firstTokenDelay : tokenDelay;
            Mono<String> frame = Mono.just(chunk(id, model, delta -> delta.put("content", token), null));
            steps.add(delay.isZero() ? frame : Mono.delay(delay).then(frame));
        }
        if (dropAfter >= sent.size()) {
            return withDrop(steps, closeConnection);
        }
        if (hangAfter >= sent.size()) {
            return Flux.concat(steps).concatWith(Flux.never());
        }
        if (errorAfter >= sent.size()) {
            steps.add(Mono.just("data: " + errorJson(errorMessage, errorType, null) + "\n\n"));
            return Flux.concat(steps);
        }
        steps.add(Mono.just(chunk(id, model, delta -> { }, finishReasonFor(body, sent))));
        if (body != null && body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode usageChunk = envelope(id, model, "chat.completion.chunk");
            usageChunk.putArray("choices");
            usageChunk.set("usage", usageJson(body, sent));
            steps.add(Mono.just("data: " + usageChunk + "\n\n"));
        }
        if (done) {
            steps.add(Mono.just("data: [DONE]\n\n"));
        }
        return Flux.concat(steps);
    }

    private static Flux<String> withDrop(List<Mono<String>> steps, Runnable closeConnection) {
        // give the last frame time to leave before the connection goes
        return Flux.concat(steps).concatWith(Mono.delay(Duration.ofMillis(20)).then(Mono.fromRunnable(closeConnection)))
                .concatWith(Flux.never());
    }

    private String chunk(String id, String model, java.util.function.Consumer<ObjectNode> delta, String finish) {
        ObjectNode root = envelope(id, model, "chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        delta.accept(choice.putObject("delta"));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return "data: " + root + "\n\n";
    }

    private ObjectNode usageJson(JsonNode body, List<String> sent) {
        ObjectNode usage = FakeOpenAiUpstream.object();
        int prompt = promptTokens != null ? promptTokens : estimatePrompt(body);
        int completion = completionTokens != null ? completionTokens : sent.size();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    static String errorJson(String message, String type, String code) {
        ObjectNode root = FakeOpenAiUpstream.object();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return root.toString();
    }

    private static ObjectNode envelope(String id, String model, String object) {
        ObjectNode root = FakeOpenAiUpstream.object();
        root.put("id", id);
        root.put("object", object);
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", model);
        return root;
    }

    /** The fake has no tokenizer: it counts the prompt as the gateway estimates it; only the text content counts. */
    private static int estimatePrompt(JsonNode body) {
        List<ChatMessage> messages = new ArrayList<>();
        if (body != null) {
            for (JsonNode message : body.path("messages").values()) {
                // the role does not change the estimate
                messages.add(new ChatMessage(ChatMessage.Role.USER, message.path("content").asString(""), null, null,
                        null));
            }
        }
        return TokenEstimator.promptTokens(messages);
    }

    private static int maxTokens(JsonNode body) {
        if (body == null) {
            return -1;
        }
        if (body.path("max_completion_tokens").isIntegralNumber()) {
            return body.path("max_completion_tokens").asInt();
        }
        return body.path("max_tokens").isIntegralNumber() ? body.path("max_tokens").asInt() : -1;
    }

    private static String lastUserText(JsonNode body) {
        String text = "";
        if (body != null) {
            for (JsonNode message : body.path("messages").values()) {
                if ("user".equals(message.path("role").asString(""))) {
                    text = message.path("content").asString("");
                }
            }
        }
        return text;
    }

    /** Words with the whitespace after them, like the echo model. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        int index = 0;
        while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
            index++;
        }
        while (index < text.length()) {
            while (index < text.length() && !Character.isWhitespace(text.charAt(index))) {
                index++;
            }
            while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
                index++;
            }
            words.add(text.substring(start, index));
            start = index;
        }
        return words;
    }

    private FakeReply copy() {
        try {
            return (FakeReply) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
