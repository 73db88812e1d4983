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

    String next() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return "chatcmpl-" + new String(id);
    }
}
