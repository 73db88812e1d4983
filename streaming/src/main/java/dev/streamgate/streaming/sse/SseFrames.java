package dev.streamgate.streaming.sse;

import java.nio.charset.StandardCharsets;

import dev.streamgate.streaming.internal.ByteSink;

/**
 * Server-sent event frames as the gateway writes them: {@code data: <payload>\n\n} for each chunk,
 * {@code data: [DONE]\n\n} after the last one (OpenAI's terminator, which the SDKs wait for) and comment frames
 * ({@code : keep-alive\n\n}) as heartbeats, which every SSE client ignores but which keep proxies from closing an
 * idle connection. Each call returns a fresh array the caller may hand to the network layer.
 */
public final class SseFrames {
    private static final byte[] DATA_PREFIX = ascii("data: ");
    private static final byte[] COMMENT_PREFIX = ascii(": ");
    private static final byte[] FRAME_END = ascii("\n\n");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    private static final byte[] KEEP_ALIVE = ascii(": keep-alive\n\n");

    private SseFrames() {
    }

    public static byte[] data(byte[] payload) {
        return data(payload, 0, payload.length);
    }

    public static byte[] data(String payload) {
        return data(payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A data frame. Compact JSON has no raw line breaks, so this is one {@code data:} line; a payload with line
     * breaks becomes one {@code data:} line per line, which a client joins back with {@code \n}.
     */
    public static byte[] data(byte[] payload, int offset, int length) {
        return prefixedLines(DATA_PREFIX, payload, offset, length);
    }

    /**
     * Writes a data frame around JSON that its writer produced into {@code out}: {@link #openData} before it,
     * {@link #closeData} after it. Compact JSON has no raw line breaks (they are escaped inside strings), so
     * the frame needs no line scan and the bytes are copied once.
     */
    public static void openData(ByteSink out) {
        out.write(DATA_PREFIX, 0, DATA_PREFIX.length);
    }

    /** Ends a frame opened by {@link #openData}. */
    public static void closeData(ByteSink out) {
        out.write(FRAME_END, 0, FRAME_END.length);
    }

    /** {@code data: [DONE]\n\n}. */
    public static byte[] done() {
        return DONE.clone();
    }

    /** {@code : keep-alive\n\n}. */
    public static byte[] keepAlive() {
        return KEEP_ALIVE.clone();
    }

    /** A comment frame; a comment with line breaks becomes one comment line per line. */
    public static byte[] comment(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return prefixedLines(COMMENT_PREFIX, bytes, 0, bytes.length);
    }

    private static byte[] prefixedLines(byte[] prefix, byte[] payload, int offset, int length) {
        int end = offset + length;
        int lines = 1;
        int separatorBytes = 0;
        for (int i = offset; i < end; i++) {
            byte b = payload[i];
            if (b == '\n' || b == '\r') {
                lines++;
                separatorBytes++;
                if (b == '\r' && i + 1 < end && payload[i + 1] == '\n') {
                    i++;
                    separatorBytes++;
                }
            }
        }
        byte[] frame = new byte[lines * (prefix.length + 1) + (length - separatorBytes) + 1];
        int at = 0;
        int lineStart = offset;
        for (int i = offset; i <= end; i++) {
            if (i == end || payload[i] == '\n' || payload[i] == '\r') {
                System.arraycopy(prefix, 0, frame, at, prefix.length);
                at += prefix.length;
                System.arraycopy(payload, lineStart, frame, at, i - lineStart);
                at += i - lineStart;
                frame[at++] = '\n';
                if (i < end && payload[i] == '\r' && i + 1 < end && payload[i + 1] == '\n') {
                    i++;
                }
                lineStart = i + 1;
            }
        }
        frame[at] = '\n';
        return frame;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
