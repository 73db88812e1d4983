package dev.streamgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void idsAreThePrefixAnd24Base62Characters() {
        RequestIds ids = new RequestIds(new SplittableRandom(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(ids.next(RequestIds.CHAT_PREFIX)).matches("chatcmpl-[0-9A-Za-z]{24}");
        }
    }

    @Test
    void everyCharacterIsEquallyLikelyAndIdsDoNotRepeat() {
        RequestIds ids = new RequestIds(new SplittableRandom(2));
        int[] counts = new int[128];
        Set<String> seen = new HashSet<>();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            String id = ids.next(RequestIds.CHAT_PREFIX);
            assertThat(seen.add(id)).isTrue();
            for (char c : id.substring("chatcmpl-".length()).toCharArray()) counts[c]++;
        }
        double expected = n * 24.0 / ALPHABET.length();
        for (char c : ALPHABET.toCharArray()) {
            // 19,354 expected per character: a biased mapping (e.g. modulo 62 of a byte) is off by far more than 5 %
            assertThat(counts[c]).as("count of %s", c).isBetween((int) (expected * 0.95), (int) (expected * 1.05));
        }
    }

    @Test
    void bytesPastTheAlphabetAreSkippedNotMapped() {
        // The first draw is all rejects (63 in the low six bits); the id comes from the next draw.
        RandomGenerator rejectsFirst = new RandomGenerator() {
            private int draws;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (draws == 0 ? 0x3f : i % 62);
                draws++;
            }
        };
        assertThat(new RequestIds(rejectsFirst).next(RequestIds.CHAT_PREFIX))
                .isEqualTo("chatcmpl-" + ALPHABET.substring(0, 24));
    }
}
