package dev.streamgate.gateway.auth.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The wire format of API keys and how they are hashed.
 *
 * <p>Issued keys look like {@code sk-sg-<prefix>_<secret>}: the prefix is 12 base62 characters, public, and used
 * to find the key's row; the secret is 43 base62 characters drawn uniformly (43 × log2 62 ≈ 256 bits). Only
 * SHA-256 of the whole key is stored: with 256 random bits a fast hash is enough, no password stretching is
 * needed. Keys not in this format (an operator-chosen demo key, say) are accepted when they are 20 to 512
 * visible ASCII characters; their prefix is derived from a hash of the key, so it is the same on every start.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "sk-sg-";
    public static final int LOOKUP_PREFIX_LENGTH = 12;
    public static final int SECRET_LENGTH = 43;
    public static final int MIN_OPAQUE_LENGTH = 20;
    public static final int MAX_LENGTH = 512;

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();
    private static final byte[] DERIVED_PREFIX_DOMAIN = "streamgate/api-key-prefix\0".getBytes(StandardCharsets.UTF_8);

    private ApiKeyFormat() {
    }

    /** A fresh key: its lookup prefix and the plaintext to hand to the caller once. */
    public record Generated(String prefix, String plaintext) {
        @Override
        public String toString() {
            return "Generated[prefix=" + prefix + ", plaintext=<redacted>]";
        }
    }

    public static Generated generate(RandomGenerator random) {
        String prefix = randomBase62(random, LOOKUP_PREFIX_LENGTH);
        return new Generated(prefix, PREFIX + prefix + "_" + randomBase62(random, SECRET_LENGTH));
    }

    /** An id for a key's row; not secret, shown in admin listings. */
    public static String newKeyId(RandomGenerator random) {
        return "key_" + randomBase62(random, 24);
    }

    /**
     * The prefix to look a presented key up by, or empty when the string cannot be a key (too short or long,
     * whitespace or control characters, or shaped like a JWT).
     */
    public static Optional<String> lookupPrefix(String presented) {
        if (presented == null || presented.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        if (isIssued(presented)) {
            return Optional.of(presented.substring(PREFIX.length(), PREFIX.length() + LOOKUP_PREFIX_LENGTH));
        }
        if (presented.length() < MIN_OPAQUE_LENGTH || !visibleAscii(presented) || looksLikeJwt(presented)) {
            return Optional.empty();
        }
        return Optional.of(derivedPrefix(presented));
    }

    /** True for strings shaped like a compact JWS ({@code header.payload.signature}); never API keys. */
    public static boolean looksLikeJwt(String credential) {
        int dots = 0;
        for (int i = 0; i < credential.length() && dots <= 2; i++) {
            if (credential.charAt(i) == '.') {
                dots++;
            }
        }
        return dots == 2;
    }

    /** What is stored in {@code api_keys.secret_hash}. */
    public static byte[] hash(String presented) {
        return sha256().digest(presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code PREFIX}, {@value #LOOKUP_PREFIX_LENGTH} base62 characters, {@code _}, {@value #SECRET_LENGTH} base62
     * characters: checked by hand, as every authenticated request asks, where a regular expression cost a matcher
     * and its groups each time.
     */
    static boolean isIssued(String presented) {
        int separator = PREFIX.length() + LOOKUP_PREFIX_LENGTH;
        if (presented.length() != separator + 1 + SECRET_LENGTH || !presented.startsWith(PREFIX)
                || presented.charAt(separator) != '_') {
            return false;
        }
        for (int i = PREFIX.length(); i < presented.length(); i++) {
            if (i != separator && !isBase62(presented.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * Whether the presented key hashes to the stored hash. Both sides are 32-byte digests compared with
     * {@link MessageDigest#isEqual}, which takes the same time wherever they differ.
     */
    public static boolean matches(byte[] storedHash, String presented) {
        return MessageDigest.isEqual(storedHash, hash(presented));
    }

    private static String derivedPrefix(String presented) {
        MessageDigest digest = sha256();
        digest.update(DERIVED_PREFIX_DOMAIN);
        byte[] bytes = digest.digest(presented.getBytes(StandardCharsets.UTF_8));
        var prefix = new StringBuilder(LOOKUP_PREFIX_LENGTH);
        for (int i = 0; i < LOOKUP_PREFIX_LENGTH; i++) {
            // a little modulo bias is harmless here: the prefix is public and only has to spread keys apart
            prefix.append(ALPHABET.charAt((bytes[i] & 0xff) % ALPHABET.length()));
        }
        return prefix.toString();
    }

    private static String randomBase62(RandomGenerator random, int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * A fresh SHA-256 digest, cloned from one made at class load: {@code MessageDigest.getInstance} looks the
     * algorithm up among the providers and checks it against the security policy, on every request that shows a key.
     */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 digest is cloneable", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
