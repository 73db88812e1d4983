package dev.streamgate.streaming.internal;

import java.nio.charset.StandardCharsets;

/**
 * Writes a JSON string (RFC 8259 §7) as UTF-8, byte for byte as Jackson's generator writes it with its default
 * escapes: {@code "} and {@code \} escaped, the control characters below U+0020 as {@code \b \t \n \f \r} or
 * a six-character escape of their code (a backslash, {@code u00XX}, upper-case hex), everything else as its UTF-8
 * bytes. A streamed reply writes one such string per token, and a generator per group of tokens cost more than the
 * text itself.
 *
 * <p>The text must be well-formed UTF-16 (see {@link WellFormedText}); an unpaired surrogate is not written.
 */
public final class JsonStrings {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** For each ASCII character: 0 written as is, -1 as a six-character escape, else the letter after a backslash. */
    private static final int[] ESCAPES = new int[128];
    /** Text is escaped in segments: room is reserved ahead (6 bytes per unit at most) a segment at a time. */
    private static final int SEGMENT = 1024;

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private JsonStrings() {
    }

    /** Writes {@code text} between double quotes. */
    public static void writeQuoted(ByteSink out, String text) {
        out.write('"');
        int length = text.length();
        int from = 0;
        while (from < length) {
            int to = Math.min(length, from + SEGMENT);
            if (to < length && Character.isHighSurrogate(text.charAt(to - 1))) {
                to++; // a pair stays in one segment
            }
            writeEscaped(out, text, from, to);
            from = to;
        }
        out.write('"');
    }

    private static void writeEscaped(ByteSink out, String text, int from, int to) {
        byte[] buffer = out.reserve((to - from) * 6);
        int at = out.length();
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape == 0) {
                    buffer[at++] = (byte) c;
                } else if (escape > 0) {
                    buffer[at++] = '\\';
                    buffer[at++] = (byte) escape;
                } else {
                    buffer[at++] = '\\';
                    buffer[at++] = 'u';
                    buffer[at++] = '0';
                    buffer[at++] = '0';
                    buffer[at++] = HEX[c >> 4];
                    buffer[at++] = HEX[c & 0xF];
                }
            } else if (c < 0x800) {
                buffer[at++] = (byte) (0xC0 | (c >> 6));
                buffer[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                int code = Character.toCodePoint(c, text.charAt(++i));
                buffer[at++] = (byte) (0xF0 | (code >> 18));
                buffer[at++] = (byte) (0x80 | ((code >> 12) & 0x3F));
                buffer[at++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                buffer[at++] = (byte) (0x80 | (code & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                buffer[at++] = (byte) (0xE0 | (c >> 12));
                buffer[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out.advance(at - out.length());
    }
}
