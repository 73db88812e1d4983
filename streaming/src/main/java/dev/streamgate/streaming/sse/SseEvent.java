package dev.streamgate.streaming.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One dispatched server-sent event: its {@code event:} field ({@code "message"} when the event had none, the
 * WHATWG default), its {@code data:} lines joined with {@code \n}, and the last event id seen on the stream so far
 * (ids persist across events), or null.
 *
 * <p>A value class rather than a record so that the data can stay the UTF-8 bytes it arrived as: a JSON parser
 * reads them directly, and the text is decoded only when {@link #data()} asks for it. An upstream streams one event
 * per token, and decoding and copying each into a string before parsing cost more than the parse.
 */
public final class SseEvent {
    public static final String DEFAULT_EVENT = "message";

    private final String event;
    private final byte[] utf8Data;
    private final String id;
    private String data;

    public SseEvent(String event, String data, String id) {
        this(event, data.getBytes(StandardCharsets.UTF_8), id);
        this.data = data;
    }

    private SseEvent(String event, byte[] utf8Data, String id) {
        this.event = Objects.requireNonNull(event, "event");
        this.utf8Data = utf8Data;
        this.id = id;
    }

    /** An event whose data is the given UTF-8 bytes, which the event takes over (the caller must not change them). */
    public static SseEvent ofUtf8(String event, byte[] utf8Data, String id) {
        return new SseEvent(event, Objects.requireNonNull(utf8Data, "utf8Data"), id);
    }

    public String event() {
        return event;
    }

    /** The data as text; malformed UTF-8 becomes U+FFFD, as the SSE specification decodes a stream. */
    public String data() {
        String text = data;
        if (text == null) {
            text = new String(utf8Data, StandardCharsets.UTF_8);
            data = text;
        }
        return text;
    }

    /** The data's UTF-8 bytes, shared: read, never change them. */
    public byte[] utf8Data() {
        return utf8Data;
    }

    /** Whether the data is exactly {@code text}, an ASCII string, compared without decoding. */
    public boolean dataEquals(String text) {
        if (utf8Data.length != text.length()) {
            return false;
        }
        for (int i = 0; i < utf8Data.length; i++) {
            if (utf8Data[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public String id() {
        return id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent that && event.equals(that.event) && Arrays.equals(utf8Data, that.utf8Data)
                && Objects.equals(id, that.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, Arrays.hashCode(utf8Data), id);
    }

    @Override
    public String toString() {
        return "SseEvent[event=" + event + ", data=" + data() + ", id=" + id + "]";
    }
}
