package dev.streamgate.bench;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Watches the bytes of one SSE response for the two moments the benchmark needs, without parsing events: when the
 * first {@code data:} line arrives (comments such as heartbeats do not count) and whether the stream ended with
 * {@code data: [DONE]}. Both survive lines split across network reads. Not thread-safe: one per response, fed in
 * order.
 */
final class SseProbe {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int TAIL = 32;

    private final DataLineFinder finder = new DataLineFinder();
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long firstDataNanos = -1;

    /** Feeds the next read; {@code now} is when it arrived. The buffer's indices are left as they were. */
    void feed(ByteBuf buf, long now) {
        if (firstDataNanos < 0 && buf.forEachByte(finder) >= 0) {
            firstDataNanos = now;
        }
        keepTail(buf);
    }

    /** When the first {@code data:} line arrived, or -1. */
    long firstDataNanos() {
        return firstDataNanos;
    }

    /** Whether the bytes so far end with a {@code data: [DONE]} line (and nothing but line breaks after it). */
    boolean endedWithDone() {
        int end = tailLength;
        while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r')) {
            end--;
        }
        int start = end - DONE.length;
        if (start < 0) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (tail[start + i] != DONE[i]) {
                return false;
            }
        }
        return start == 0 || tail[start - 1] == '\n' || tail[start - 1] == '\r';
    }

    private void keepTail(ByteBuf buf) {
        int readable = buf.readableBytes();
        if (readable >= TAIL) {
            buf.getBytes(buf.writerIndex() - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - readable);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        buf.getBytes(buf.readerIndex(), tail, keep, readable);
        tailLength = keep + readable;
    }

    /** Stops at the last byte of the first {@code data:} that starts a line. */
    private static final class DataLineFinder implements ByteProcessor {
        // position in the current line, or -1 once the line cannot be a data line
        private int matched;

        @Override
        public boolean process(byte value) {
            if (value == '\n' || value == '\r') {
                matched = 0;
                return true;
            }
            if (matched < 0) {
                return true;
            }
            if (value != DATA[matched]) {
                matched = -1;
                return true;
            }
            matched++;
            return matched < DATA.length;
        }
    }
}
