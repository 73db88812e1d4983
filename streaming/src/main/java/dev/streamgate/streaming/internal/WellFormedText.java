package dev.streamgate.streaming.internal;

/**
 * Replaces unpaired UTF-16 surrogates with U+FFFD. An upstream may escape half a surrogate pair at the end of one
 * chunk ({@code "\ud83d"}); such a string cannot be written as UTF-8, and Jackson's generator refuses it, so the
 * encoders clean text first instead of failing a live stream.
 */
public final class WellFormedText {
    private WellFormedText() {
    }

    /** Returns {@code text} itself when it is well-formed (the common case, no allocation). */
    public static String of(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return repair(text, i);
                }
            }
        }
        return text;
    }

    private static String repair(String text, int firstBad) {
        var out = new StringBuilder(text.length()).append(text, 0, firstBad);
        int length = text.length();
        for (int i = firstBad; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
