package dev.streamgate.worker.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-character table ({@code bytes_to_unicode}): byte-level BPE vocabularies spell every byte as a
 * printable character, so a piece's characters map back to the bytes it stands for.
 */
final class ByteLevelAlphabet {
    private static final int[] BYTE_OF_CHAR = new int[324];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            int ch = printable ? b : 256 + next++;
            BYTE_OF_CHAR[ch] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /**
     * The bytes a piece stands for. Like Hugging Face's ByteLevel decoder, a piece with a character outside the
     * table (an added token such as {@code "<|im start|>"} written with a space) stands for its own UTF-8.
     */
    static byte[] decode(String piece) {
        byte[] out = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
            char ch = piece.charAt(i);
            int b = ch < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[ch] : -1;
            if (b < 0) {
                return piece.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
