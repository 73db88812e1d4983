package dev.streamgate.gateway.auth.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    @Test
    void generatedKeysHaveTheDocumentedShapeAndCarryTheirPrefix() throws Exception {
        ApiKeyFormat.Generated key = ApiKeyFormat.generate(new SecureRandom());

        assertThat(key.plaintext()).matches("sk-sg-[0-9A-Za-z]{12}_[0-9A-Za-z]{43}");
        assertThat(key.plaintext()).startsWith("sk-sg-" + key.prefix() + "_");
        assertThat(ApiKeyFormat.lookupPrefix(key.plaintext())).contains(key.prefix());
        // 43 base62 characters carry at least 256 bits
        assertThat(43 * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(256.0);
        assertThat(key.toString()).doesNotContain(key.plaintext().substring(19));
    }

    @Test
    void keysAreUniformOverTheWholeAlphabetAndNeverRepeat() {
        var random = new SplittableRandom(42);
        var seen = new HashSet<String>();
        var characters = new HashSet<Character>();
        for (int i = 0; i < 2_000; i++) {
            String plaintext = ApiKeyFormat.generate(random).plaintext();
            assertThat(seen.add(plaintext)).isTrue();
            plaintext.substring(plaintext.indexOf('_') + 1).chars().forEach(c -> characters.add((char) c));
        }
        assertThat(characters).hasSize(62);
    }

    @Test
    void theSameSeedGivesTheSameKeySoTestsCanBeExact() {
        assertThat(ApiKeyFormat.generate(new SplittableRandom(7)))
                .isEqualTo(ApiKeyFormat.generate(new SplittableRandom(7)));
        assertThat(ApiKeyFormat.newKeyId(new SplittableRandom(7))).matches("key_[0-9A-Za-z]{24}");
    }

    @Test
    void theStoredHashIsSha256OfTheWholeKey() throws Exception {
        String plaintext = ApiKeyFormat.generate(new SplittableRandom(1)).plaintext();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8));

        assertThat(ApiKeyFormat.hash(plaintext)).isEqualTo(expected).hasSize(32);
    }

    @Test
    void matchesOnlyTheExactKey() {
        String plaintext = ApiKeyFormat.generate(new SplittableRandom(2)).plaintext();
        byte[] stored = ApiKeyFormat.hash(plaintext);

        assertThat(ApiKeyFormat.matches(stored, plaintext)).isTrue();
        char last = plaintext.charAt(plaintext.length() - 1);
        String oneCharOff = plaintext.substring(0, plaintext.length() - 1) + (last == 'a' ? 'b' : 'a');
        assertThat(ApiKeyFormat.matches(stored, oneCharOff)).isFalse();
        assertThat(ApiKeyFormat.matches(stored, plaintext + "x")).isFalse();
        assertThat(ApiKeyFormat.matches(stored, "")).isFalse();
        // a stored value of another length (a corrupt row) never matches
        assertThat(ApiKeyFormat.matches(new byte[16], plaintext)).isFalse();
    }

    @Test
    void opaqueKeysGetAStableDerivedPrefix() {
        String chosen = "my-demo-key-0123456789";
        String prefix = ApiKeyFormat.lookupPrefix(chosen).orElseThrow();

        assertThat(prefix).matches("[0-9A-Za-z]{12}");
        assertThat(ApiKeyFormat.lookupPrefix(chosen)).contains(prefix);
        assertThat(ApiKeyFormat.lookupPrefix(chosen + "!")).isPresent().get().isNotEqualTo(prefix);
        // a string that merely starts like an issued key but is not one is opaque too
        assertThat(ApiKeyFormat.lookupPrefix("sk-sg-short_key-not-issued-here")).isPresent();
    }

    @Test
    void recognisesTheIssuedShapeExactly() {
        String issued = ApiKeyFormat.PREFIX + "a".repeat(ApiKeyFormat.LOOKUP_PREFIX_LENGTH) + "_"
                + "Z9".repeat(21) + "x";
        assertThat(ApiKeyFormat.isIssued(issued)).isTrue();
        assertThat(ApiKeyFormat.lookupPrefix(issued)).contains("a".repeat(ApiKeyFormat.LOOKUP_PREFIX_LENGTH));
        assertThat(ApiKeyFormat.isIssued(issued + "x")).as("one character too long").isFalse();
        assertThat(ApiKeyFormat.isIssued(issued.substring(1))).as("prefix cut").isFalse();
        assertThat(ApiKeyFormat.isIssued(issued.replace('_', '-'))).as("no separator").isFalse();
        assertThat(ApiKeyFormat.isIssued(issued.replace("Z9Z9", "Z-Z9"))).as("not base62").isFalse();
        assertThat(ApiKeyFormat.isIssued(issued.replaceFirst("aaa", "a_a"))).as("not base62").isFalse();
    }

    @Test
    void refusesStringsThatCannotBeKeys() {
        assertThat(ApiKeyFormat.lookupPrefix(null)).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("too-short")).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("has a space in the middle of it")).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("tab\tinside-a-long-enough-string")).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("non-ascii-é-long-enough-string")).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("x".repeat(ApiKeyFormat.MAX_LENGTH + 1))).isEmpty();
        assertThat(ApiKeyFormat.lookupPrefix("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")).isEmpty();
    }
}
