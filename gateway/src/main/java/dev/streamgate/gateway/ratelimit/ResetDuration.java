package dev.streamgate.gateway.ratelimit;

/**
 * Formats a wait the way OpenAI's {@code x-ratelimit-reset-*} headers do: Go's {@code time.Duration} notation at
 * millisecond precision ({@code 59ms}, {@code 1s}, {@code 8.64s}, {@code 6m0s}, {@code 1h0m0s}). Rounded up, so a
 * client that waits exactly that long finds the capacity there.
 */
final class ResetDuration {
    private ResetDuration() {
    }

    static String format(long nanos) {
        long millis = nanos <= 0 ? 0 : Math.ceilDiv(nanos, 1_000_000L);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1_000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long secondsMillis = millis % 60_000;
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(secondsMillis / 1_000);
        long fraction = secondsMillis % 1_000;
        if (fraction > 0) {
            String digits = String.format("%03d", fraction);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(digits, 0, end);
        }
        return text.append('s').toString();
    }
}
