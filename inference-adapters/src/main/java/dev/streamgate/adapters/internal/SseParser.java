package dev.streamgate.adapters.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * Incremental parser of a {@code text/event-stream} body (WHATWG HTML, "server-sent events"), fed with the network
 * buffers as they arrive. Lines may end in LF, CRLF or CR and may be split anywhere across buffers. Only the
 * {@code data} and {@code event} fields matter to inference streams; {@code id}, {@code retry} and comments are
 * skipped. Data bytes are copied once, from the network buffer into a reused array handed to the listener, which
 * must not keep it after {@link Listener#onEvent} returns.
 *
 * <p>Not thread-safe: one instance per stream, fed sequentially.
 */
public final class SseParser {

    /** Receives each complete event. {@code data} is valid only during the call. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String eventType, byte[] data, int length);
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

    private final int maxEventBytes;
    /** The part of a line that arrived in an earlier buffer than its end. */
    private byte[] pendingLine = new byte[256];
    private int pendingLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String eventType;
    /** A CR ended the previous buffer: a LF at the start of the next one belongs to the same line break. */
    private boolean skipLeadingLf;

    public SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** Parses the readable bytes of {@code buffer} (without consuming them), dispatching every completed event. */
    public void feed(ByteBuf buffer, Listener listener) {
        int index = buffer.readerIndex();
        int end = buffer.writerIndex();
        if (skipLeadingLf && index < end) {
            skipLeadingLf = false;
            if (buffer.getByte(index) == LF) {
                index++;
            }
        }
        while (index < end) {
            int lineEnd = buffer.forEachByte(index, end - index, b -> b != LF && b != CR);
            if (lineEnd < 0) {
                appendPending(buffer, index, end - index);
                return;
            }
            if (pendingLength > 0) {
                appendPending(buffer, index, lineEnd - index);
                processLine(pendingLine, 0, pendingLength, listener);
                pendingLength = 0;
            } else {
                processLine(buffer, index, lineEnd, listener);
            }
            index = lineEnd + 1;
            if (buffer.getByte(lineEnd) == CR) {
                if (index < end) {
                    if (buffer.getByte(index) == LF) {
                        index++;
                    }
                } else {
                    skipLeadingLf = true;
                }
            }
        }
    }

    /**
     * The body ended. An event not yet closed by a blank line is dispatched anyway: some servers end the body right
     * after their last {@code data:} line, and dropping it would lose the end of the stream.
     */
    public void finish(Listener listener) {
        if (pendingLength > 0) {
            processLine(pendingLine, 0, pendingLength, listener);
            pendingLength = 0;
        }
        dispatch(listener);
    }

    private void processLine(ByteBuf buffer, int from, int to, Listener listener) {
        if (from == to) {
            dispatch(listener);
            return;
        }
        if (buffer.hasArray()) {
            processLine(buffer.array(), buffer.arrayOffset() + from, buffer.arrayOffset() + to, listener);
            return;
        }
        int colon = buffer.indexOf(from, to, (byte) ':');
        int nameEnd = colon < 0 ? to : colon;
        if (nameEnd == from) {
            return; // comment line, e.g. a keep-alive ": ping"
        }
        int valueStart = colon < 0 ? to : colon + 1;
        if (valueStart < to && buffer.getByte(valueStart) == ' ') {
            valueStart++;
        }
        if (nameIs(buffer, from, nameEnd, DATA)) {
            appendData(buffer, valueStart, to - valueStart);
        } else if (nameIs(buffer, from, nameEnd, EVENT)) {
            eventType = buffer.toString(valueStart, to - valueStart, StandardCharsets.UTF_8);
        }
    }

    private void processLine(byte[] line, int from, int to, Listener listener) {
        if (from == to) {
            dispatch(listener);
            return;
        }
        int colon = from;
        while (colon < to && line[colon] != ':') {
            colon++;
        }
        if (colon == from) {
            return;
        }
        int valueStart = colon < to ? colon + 1 : to;
        if (valueStart < to && line[valueStart] == ' ') {
            valueStart++;
        }
        if (Arrays.equals(line, from, colon, DATA, 0, DATA.length)) {
            beginDataLine(to - valueStart);
            System.arraycopy(line, valueStart, data, dataLength, to - valueStart);
            dataLength += to - valueStart;
        } else if (Arrays.equals(line, from, colon, EVENT, 0, EVENT.length)) {
            eventType = new String(line, valueStart, to - valueStart, StandardCharsets.UTF_8);
        }
    }

    private static boolean nameIs(ByteBuf buffer, int from, int to, byte[] name) {
        if (to - from != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (buffer.getByte(from + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private void appendData(ByteBuf buffer, int from, int length) {
        beginDataLine(length);
        buffer.getBytes(from, data, dataLength, length);
        dataLength += length;
    }

    /** Several data lines of one event are joined with LF, as the specification says. */
    private void beginDataLine(int length) {
        int separator = hasData ? 1 : 0;
        ensureData(dataLength + separator + length);
        if (hasData) {
            data[dataLength++] = LF;
        }
        hasData = true;
    }

    private void dispatch(Listener listener) {
        if (hasData) {
            String type = eventType;
            int length = dataLength;
            hasData = false;
            dataLength = 0;
            eventType = null;
            listener.onEvent(type, data, length);
        } else {
            eventType = null;
        }
    }

    private void appendPending(ByteBuf buffer, int from, int length) {
        int needed = pendingLength + length;
        checkSize(needed);
        if (needed > pendingLine.length) {
            pendingLine = Arrays.copyOf(pendingLine, Math.max(needed, pendingLine.length * 2));
        }
        buffer.getBytes(from, pendingLine, pendingLength, length);
        pendingLength = needed;
    }

    private void ensureData(int needed) {
        checkSize(needed);
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
    }

    private void checkSize(int needed) {
        if (needed > maxEventBytes) {
            throw new ProtocolViolation("server-sent event larger than " + maxEventBytes + " bytes");
        }
    }
}
