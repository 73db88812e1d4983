package dev.streamgate.worker.tokenizer;

/**
 * Decodes UTF-8 bytes that arrive in arbitrary pieces. A character whose bytes have not all arrived is held back
 * until they do; an ill-formed sequence becomes one U+FFFD per maximal subpart (Unicode 15, section 3.9,
 * "U+FFFD Substitution of Maximal Subparts"), which is what Rust's {@code String::from_utf8_lossy} and therefore
 * Hugging Face tokenizers' byte-level decoder produce for the same bytes taken at once.
 */
final class Utf8StreamDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private int needed;
    private int codePoint;
    private int lower = 0x80;
    private int upper = 0xBF;

    /** Appends to {@code out} every character the bytes complete. */
    void decode(byte[] bytes, StringBuilder out) {
        for (byte value : bytes) {
            accept(value & 0xFF, out);
        }
    }

    /** Ends the stream: a character still waiting for bytes is ill-formed and becomes U+FFFD. */
    void finish(StringBuilder out) {
        if (needed > 0) {
            out.append(REPLACEMENT);
            reset();
        }
    }

    boolean holdsPartialCharacter() {
        return needed > 0;
    }

    private void accept(int b, StringBuilder out) {
        if (needed > 0) {
            if (b >= lower && b <= upper) {
                codePoint = (codePoint << 6) | (b & 0x3F);
                lower = 0x80;
                upper = 0xBF;
                if (--needed == 0) {
                    out.appendCodePoint(codePoint);
                }
                return;
            }
            // The partial sequence is a maximal subpart: one replacement, then this byte starts afresh.
            out.append(REPLACEMENT);
            reset();
        }
        start(b, out);
    }

    private void start(int b, StringBuilder out) {
        if (b < 0x80) {
            out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xDF) {
            begin(1, b & 0x1F, 0x80, 0xBF);
        } else if (b == 0xE0) {
            begin(2, b & 0x0F, 0xA0, 0xBF);
        } else if (b == 0xED) {
            begin(2, b & 0x0F, 0x80, 0x9F);
        } else if (b >= 0xE1 && b <= 0xEF) {
            begin(2, b & 0x0F, 0x80, 0xBF);
        } else if (b == 0xF0) {
            begin(3, b & 0x07, 0x90, 0xBF);
        } else if (b >= 0xF1 && b <= 0xF3) {
            begin(3, b & 0x07, 0x80, 0xBF);
        } else if (b == 0xF4) {
            begin(3, b & 0x07, 0x80, 0x8F);
        } else {
            out.append(REPLACEMENT);
        }
    }

    private void begin(int continuationBytes, int bits, int nextLower, int nextUpper) {
        needed = continuationBytes;
        codePoint = bits;
        lower = nextLower;
        upper = nextUpper;
    }

    private void reset() {
        needed = 0;
        codePoint = 0;
        lower = 0x80;
        upper = 0xBF;
    }
}
