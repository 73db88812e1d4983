package dev.streamgate.streaming.openai;

import static dev.streamgate.streaming.openai.UpstreamResponses.error;
import static dev.streamgate.streaming.openai.UpstreamResponses.errorObject;
import static dev.streamgate.streaming.openai.UpstreamResponses.firstChoice;
import static dev.streamgate.streaming.openai.UpstreamResponses.isPresent;
import static dev.streamgate.streaming.openai.UpstreamResponses.optionalText;
import static dev.streamgate.streaming.openai.UpstreamResponses.parse;
import static dev.streamgate.streaming.openai.UpstreamResponses.requireObject;
import static dev.streamgate.streaming.openai.UpstreamResponses.toolCalls;
import static dev.streamgate.streaming.openai.UpstreamResponses.usage;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.StreamEvent.Finish;
import dev.streamgate.streaming.StreamEvent.StreamError;
import dev.streamgate.streaming.StreamEvent.TextDelta;
import dev.streamgate.streaming.StreamEvent.UsageReport;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.sse.SseEvent;
import tools.jackson.databind.JsonNode;

/**
 * Turns an OpenAI-compatible upstream's responses into {@link StreamEvent}s: each SSE event of a stream through
 * {@link #decode(SseEvent)} (or its {@code data} through {@link #decode(String)}), or a whole non-streaming
 * {@code chat.completion} through {@link #decodeCompletion(byte[])}. Tolerates what real servers send: null or
 * absent fields, empty {@code choices}, extra fields, usage in every chunk (vLLM's continuous usage), errors with
 * or without an {@code error} wrapper or as an {@code event: error}. Only choice 0 is read (requests ask for one).
 *
 * <p>The stream decoder is stateful, one per stream: OpenAI sends {@code finish_reason} before the usage chunk,
 * while a {@link StreamEvent} stream ends with usage then finish, so the finish and the latest usage are held
 * until {@code [DONE]} (or {@link #complete()}). It also holds back half a surrogate pair that an upstream split
 * across chunks. Refusal text is passed on as text; reasoning fields have no event yet and are not read.
 */
public final class OpenAiChunkDecoder {
    public static final String DONE = "[DONE]";
    /** Some servers mark an error by the SSE event type rather than (or as well as) an {@code error} field. */
    private static final String ERROR_EVENT = "error";

    private FinishReason finishReason;
    private Usage usage;
    private char pendingHighSurrogate;
    private boolean ended;

    /**
     * Decodes one server-sent event of the stream. An {@code event: error} ends the stream with a
     * {@link StreamError} whatever the shape of its data ({@code {"message":...,"code":...}} without a wrapper is
     * common); any other event is decoded by its data, as {@link #decode(String)} does.
     */
    public List<StreamEvent> decode(SseEvent event) {
        if (!ERROR_EVENT.equals(event.event())) {
            if (event.dataEquals(DONE)) {
                return complete();
            }
            requireOpen();
            ChunkReader.Chunk chunk;
            try {
                chunk = ChunkReader.read(event.utf8Data());
            } catch (MalformedResponseException e) {
                // Malformed UTF-8 is not the upstream's last word: read as text it becomes U+FFFD, as the SSE
                // specification decodes a stream, and only JSON that is malformed as text fails the stream.
                return decode(event.data());
            }
            return chunk == ChunkReader.Chunk.ERROR ? decode(parse(event.data())) : accept(chunk);
        }
        requireOpen();
        JsonNode data = parse(event.data());
        requireObject(data, "error event");
        StreamError error = error(data);
        return fail(error != null ? error : errorObject(data));
    }

    /** Decodes one SSE {@code data} payload; {@code [DONE]} completes the stream. */
    public List<StreamEvent> decode(String data) {
        if (data.equals(DONE)) {
            return complete();
        }
        requireOpen();
        ChunkReader.Chunk chunk = ChunkReader.read(data);
        return chunk == ChunkReader.Chunk.ERROR ? decode(parse(data)) : accept(chunk);
    }

    /** A chunk's text and tool-call deltas now; its finish reason and usage held for {@link #complete()}. */
    private List<StreamEvent> accept(ChunkReader.Chunk chunk) {
        var events = new ArrayList<StreamEvent>(1);
        text(chunk.content(), events);
        text(chunk.refusal(), events);
        events.addAll(chunk.toolCalls());
        if (chunk.finishReason() != null) {
            finishReason = FinishReason.fromWire(chunk.finishReason());
        }
        Usage reported = usage(chunk.usage());
        if (reported != null) {
            usage = reported;
        }
        return events;
    }

    public List<StreamEvent> decode(byte[] json) {
        return decode(parse(json));
    }

    /**
     * Decodes one chunk: text and tool-call deltas now; a finish reason or usage is held for {@link #complete()};
     * an error ends the stream with a {@link StreamError}.
     */
    public List<StreamEvent> decode(JsonNode chunk) {
        requireOpen();
        requireObject(chunk, "chunk");
        StreamError error = error(chunk);
        if (error != null) {
            return fail(error);
        }
        var events = new ArrayList<StreamEvent>(1);
        JsonNode choice = firstChoice(chunk);
        if (choice != null) {
            JsonNode delta = choice.get("delta");
            if (isPresent(delta)) {
                requireObject(delta, "delta");
                text(optionalText(delta, "content"), events);
                text(optionalText(delta, "refusal"), events);
                toolCalls(delta.get("tool_calls"), events, true);
            }
            String reason = optionalText(choice, "finish_reason");
            if (reason != null) {
                finishReason = FinishReason.fromWire(reason);
            }
        }
        Usage reported = usage(chunk.get("usage"));
        if (reported != null) {
            usage = reported;
        }
        return events;
    }

    /** True once the upstream has sent a finish reason; an upstream that closes before it was cut off. */
    public boolean finishSeen() {
        return finishReason != null;
    }

    /**
     * True once the stream has ended, by {@code [DONE]}, {@link #complete()} or an error. Servers sometimes send
     * more after {@code [DONE]}; a caller that tolerates that checks here and stops decoding, as a chunk after the
     * end is refused.
     */
    public boolean ended() {
        return ended;
    }

    /**
     * Ends the stream (on {@code [DONE]}, or at the end of the body when {@link #finishSeen()}): the held usage and
     * finish. A {@code [DONE]} without any finish reason counts as {@code stop}.
     */
    public List<StreamEvent> complete() {
        if (ended) {
            return List.of();
        }
        ended = true;
        var events = new ArrayList<StreamEvent>(3);
        flushPendingText(events);
        if (usage != null) {
            events.add(new UsageReport(usage));
        }
        events.add(new Finish(finishReason == null ? FinishReason.STOP : finishReason));
        return events;
    }

    /**
     * A whole non-streaming {@code chat.completion}: text, tool calls, usage and finish, or one error. Read off the
     * token stream like a chunk (a tree of the answer was the largest cost of a non-streaming request); an answer
     * that carries an error is rare, has several shapes, and is decoded from its tree.
     */
    public static List<StreamEvent> decodeCompletion(byte[] json) {
        ChunkReader.Chunk completion = ChunkReader.readCompletion(json);
        if (completion == ChunkReader.Chunk.ERROR) {
            return decodeCompletion(parse(json));
        }
        if (!completion.hasChoice()) {
            throw new MalformedResponseException("the completion has no choice 0");
        }
        if (!completion.hasMessage()) {
            throw new MalformedResponseException("the completion's choice has no message");
        }
        return completionEvents(completion.content(), completion.refusal(), completion.toolCalls(),
                completion.usage(), completion.finishReason());
    }

    public static List<StreamEvent> decodeCompletion(JsonNode completion) {
        requireObject(completion, "completion");
        StreamError error = error(completion);
        if (error != null) {
            return List.of(error);
        }
        JsonNode choice = firstChoice(completion);
        if (choice == null) {
            throw new MalformedResponseException("the completion has no choice 0");
        }
        JsonNode message = choice.get("message");
        if (!isPresent(message)) {
            throw new MalformedResponseException("the completion's choice has no message");
        }
        requireObject(message, "message");
        String content = optionalText(message, "content");
        String refusal = optionalText(message, "refusal");
        var toolCalls = new ArrayList<StreamEvent>(1);
        toolCalls(message.get("tool_calls"), toolCalls, false);
        return completionEvents(content, refusal, toolCalls, completion.get("usage"),
                optionalText(choice, "finish_reason"));
    }

    /** A whole answer's events, however it was read: its text, refusal, tool calls, usage and finish. */
    private static List<StreamEvent> completionEvents(String content, String refusal, List<StreamEvent> toolCalls,
                                                      JsonNode usageNode, String finishReason) {
        var events = new ArrayList<StreamEvent>(4);
        if (content != null && !content.isEmpty()) {
            events.add(new TextDelta(content));
        }
        if (refusal != null && !refusal.isEmpty()) {
            events.add(new TextDelta(refusal));
        }
        events.addAll(toolCalls);
        Usage reported = usage(usageNode);
        if (reported != null) {
            events.add(new UsageReport(reported));
        }
        events.add(new Finish(FinishReason.fromWire(finishReason)));
        return events;
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("chunk after the end of the stream");
        }
    }

    private List<StreamEvent> fail(StreamError error) {
        var events = new ArrayList<StreamEvent>(2);
        flushPendingText(events);
        events.add(error);
        ended = true;
        return events;
    }

    private void text(String text, List<StreamEvent> events) {
        if (text == null || text.isEmpty()) {
            return;
        }
        if (pendingHighSurrogate != 0) {
            text = pendingHighSurrogate + text;
            pendingHighSurrogate = 0;
        }
        char last = text.charAt(text.length() - 1);
        if (Character.isHighSurrogate(last)) {
            pendingHighSurrogate = last;
            text = text.substring(0, text.length() - 1);
        }
        if (!text.isEmpty()) {
            events.add(new TextDelta(text));
        }
    }

    private void flushPendingText(List<StreamEvent> events) {
        if (pendingHighSurrogate != 0) {
            events.add(new TextDelta(String.valueOf(pendingHighSurrogate)));
            pendingHighSurrogate = 0;
        }
    }
}
