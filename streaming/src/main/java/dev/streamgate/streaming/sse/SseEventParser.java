package dev.streamgate.streaming.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An incremental parser of a {@code text/event-stream} body following the WHATWG HTML "event stream
 * interpretation": bytes are fed in chunks split anywhere (also inside a UTF-8 sequence or between the CR and LF
 * of a CRLF), lines end in CR, LF or CRLF, a leading BOM is skipped, lines starting with {@code :} are comments,
 * {@code data:} lines accumulate, {@code event:} and {@code id:} are kept (an id containing NUL is ignored,
 * {@code retry:} and unknown fields are ignored), and an empty line dispatches an event when there is data.
 *
 * <p>Lines are split on bytes and decoded only when complete, so a multi-byte character split across chunks
 * needs no special handling (CR and LF never occur inside a UTF-8 sequence); malformed UTF-8 decodes to U+FFFD.
 * Unlike a browser, {@link #flush()} at the end of the body dispatches a last event that lacks its blank line,
 * because some servers end that way and dropping their last event would lose data.
 *
 * <p>An event whose lines (without their line endings, counting comments and a line still being received) add up
 * to more than the configured limit fails with {@link SseEventTooLargeException}; the parser cannot be used after
 * that. One instance per stream, not
 * thread-safe.
 */
public final class SseEventParser {
    public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = ascii("data");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] ID = ascii("id");
    private static final int INITIAL_BUFFER = 256;
    /** Buffers that grew for one huge event are given back rather than kept for the rest of the stream. */
    private static final int RETAINED_BUFFER = 64 * 1024;

    private final int maxEventBytes;
    private byte[] line = new byte[INITIAL_BUFFER];
    private int lineLength;
    private byte[] data = new byte[INITIAL_BUFFER];
    private int dataLength;
    /** Bytes of the current event's completed lines. */
    private long eventBytes;
    private String eventType;
    private String lastEventId;
    private int bomMatched;
    private boolean bomDone;
    private boolean skipLeadingLf;
    private boolean failed;

    public SseEventParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseEventParser(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

    public List<SseEvent> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<SseEvent> feed(ByteBuffer chunk) {
        if (chunk.hasArray()) {
            int offset = chunk.arrayOffset() + chunk.position();
            int length = chunk.remaining();
            chunk.position(chunk.limit());
            return feed(chunk.array(), offset, length);
        }
        byte[] copy = new byte[chunk.remaining()];
        chunk.get(copy);
        return feed(copy, 0, copy.length);
    }

    /** Feeds bytes; returns the events they completed, in order (usually none or one). */
    public List<SseEvent> feed(byte[] chunk, int offset, int length) {
        if (failed) {
            throw new IllegalStateException("the parser failed earlier and cannot continue");
        }
        List<SseEvent> events = null;
        int end = offset + length;
        int i = skipBom(chunk, offset, end);
        if (skipLeadingLf && i < end) {
            skipLeadingLf = false;
            if (chunk[i] == '\n') {
                i++;
            }
        }
        int lineStart = i;
        while (i < end) {
            byte b = chunk[i];
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            if (lineLength == 0) {
                events = processLine(chunk, lineStart, i - lineStart, events);
            } else {
                appendLine(chunk, lineStart, i - lineStart);
                events = processLine(line, 0, lineLength, events);
                lineLength = 0;
            }
            if (b == '\r') {
                if (i + 1 < end) {
                    if (chunk[i + 1] == '\n') {
                        i++;
                    }
                } else {
                    skipLeadingLf = true;
                }
            }
            i++;
            lineStart = i;
        }
        if (lineStart < end) {
            appendLine(chunk, lineStart, end - lineStart);
        }
        return events == null ? List.of() : events;
    }

    /** The end of the body: a last line without terminator counts, and a pending event is dispatched. */
    public List<SseEvent> flush() {
        if (failed) {
            throw new IllegalStateException("the parser failed earlier and cannot continue");
        }
        if (!bomDone && bomMatched > 0) {
            bomDone = true;
            appendLine(BOM, 0, bomMatched);
        }
        List<SseEvent> events = null;
        if (lineLength > 0) {
            events = processLine(line, 0, lineLength, null);
            lineLength = 0;
        }
        events = dispatch(events);
        skipLeadingLf = false;
        return events == null ? List.of() : events;
    }

    private int skipBom(byte[] chunk, int i, int end) {
        while (!bomDone && i < end) {
            if (chunk[i] == BOM[bomMatched]) {
                i++;
                if (++bomMatched == BOM.length) {
                    bomDone = true;
                }
            } else {
                bomDone = true;
                appendLine(BOM, 0, bomMatched);
            }
        }
        return i;
    }

    private List<SseEvent> processLine(byte[] buffer, int offset, int length, List<SseEvent> events) {
        if (length == 0) {
            return dispatch(events);
        }
        eventBytes += length;
        if (eventBytes > maxEventBytes) {
            fail();
        }
        if (buffer[offset] == ':') {
            return events;
        }
        int colon = indexOf(buffer, offset, length, (byte) ':');
        int nameLength = colon < 0 ? length : colon - offset;
        int valueStart = colon < 0 ? offset + length : colon + 1;
        int end = offset + length;
        if (valueStart < end && buffer[valueStart] == ' ') {
            valueStart++;
        }
        int valueLength = end - valueStart;
        if (nameIs(buffer, offset, nameLength, DATA)) {
            appendData(buffer, valueStart, valueLength);
        } else if (nameIs(buffer, offset, nameLength, EVENT)) {
            eventType = utf8(buffer, valueStart, valueLength);
        } else if (nameIs(buffer, offset, nameLength, ID)) {
            if (indexOf(buffer, valueStart, valueLength, (byte) 0) < 0) {
                lastEventId = utf8(buffer, valueStart, valueLength);
            }
        }
        return events;
    }

    private List<SseEvent> dispatch(List<SseEvent> events) {
        eventBytes = 0;
        if (dataLength == 0) {
            eventType = null;
            return events;
        }
        // The data buffer ends in the LF appended after its last line, which is not part of the data.
        var event = SseEvent.ofUtf8(eventType == null ? SseEvent.DEFAULT_EVENT : eventType,
                Arrays.copyOf(data, dataLength - 1), lastEventId);
        dataLength = 0;
        eventType = null;
        if (data.length > RETAINED_BUFFER) {
            data = new byte[INITIAL_BUFFER];
        }
        if (line.length > RETAINED_BUFFER) {
            line = new byte[INITIAL_BUFFER];
        }
        if (events == null) {
            events = new ArrayList<>(2);
        }
        events.add(event);
        return events;
    }

    private void appendData(byte[] buffer, int offset, int length) {
        if (dataLength + length + 1 > data.length) {
            data = Arrays.copyOf(data, Math.max(dataLength + length + 1, data.length * 2));
        }
        System.arraycopy(buffer, offset, data, dataLength, length);
        dataLength += length;
        data[dataLength++] = '\n';
    }

    private void appendLine(byte[] buffer, int offset, int length) {
        if (eventBytes + lineLength + length > maxEventBytes) {
            fail();
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + length, line.length * 2));
        }
        System.arraycopy(buffer, offset, line, lineLength, length);
        lineLength += length;
    }

    private void fail() {
        failed = true;
        throw new SseEventTooLargeException(maxEventBytes);
    }

    private static boolean nameIs(byte[] buffer, int offset, int length, byte[] name) {
        return length == name.length && Arrays.equals(buffer, offset, offset + length, name, 0, length);
    }

    private static int indexOf(byte[] buffer, int offset, int length, byte value) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (buffer[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] buffer, int offset, int length) {
        return new String(buffer, offset, length, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
