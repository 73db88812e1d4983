package dev.streamgate.gateway.chat;

import java.util.random.RandomGenerator;

/**
 * Request ids, {@code chatcmpl-} and 24 base62 characters (~143 bits): unique without coordination between
 * gateway instances, and the primary key of the usage table, so metering is exactly-once per id.
 */
final class RequestIds {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int LENGTH = 24;

    private final RandomGenerator random;

    RequestIds(RandomGenerator random) {
        this.random = random;
    }

    // One draw of random bytes per id (usually): each byte's low 6 bits pick a character, and the two values
    // past the alphabet are skipped, so every character stays uniform.
    String next() {
        char[] id = new char[LENGTH];
        byte[] bytes = new byte[LENGTH + 8];
        int filled = 0;
        while (filled < LENGTH) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < LENGTH; i++) {
                int six = bytes[i] & 0x3f;
                if (six < ALPHABET.length) {
                    id[filled++] = ALPHABET[six];
                }
            }
        }
        return "chatcmpl-" + new String(id);
    }
}
