package dev.streamgate.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.streamgate.streaming.StopSequenceMatcher.Result;
import org.junit.jupiter.api.Test;

class StopSequenceMatcherTest {

    private static List<Result> feedAll(StopSequenceMatcher matcher, String... deltas) {
        var results = new ArrayList<Result>();
        for (String delta : deltas) {
            results.add(matcher.feed(delta));
        }
        return results;
    }

    private static Result out(String text) {
        return new Result(text, false);
    }

    private static Result stop(String text) {
        return new Result(text, true);
    }

    @Test
    void withoutStopsEverythingPassesUnchanged() {
        var matcher = new StopSequenceMatcher(List.of());
        String delta = "anything";
        assertThat(matcher.feed(delta).text()).isSameAs(delta);
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void stopInsideOneDelta() {
        var matcher = new StopSequenceMatcher(List.of("END"));
        assertThat(matcher.feed("Hello END world")).isEqualTo(stop("Hello "));
        assertThat(matcher.stopped()).isTrue();
    }

    @Test
    void stopAtTheVeryStart() {
        assertThat(new StopSequenceMatcher(List.of("\n")).feed("\nrest")).isEqualTo(stop(""));
    }

    @Test
    void stopSplitOverFourDeltas() {
        var matcher = new StopSequenceMatcher(List.of("<|end|>"));
        assertThat(feedAll(matcher, "Hello <", "|e", "nd", "|> ignored"))
                .containsExactly(out("Hello "), out(""), out(""), stop(""));
        assertThat(matcher.feed("more")).isEqualTo(stop(""));
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void aFalseStartIsReleasedOnceItCannotMatch() {
        var matcher = new StopSequenceMatcher(List.of("<|end|>"));
        assertThat(feedAll(matcher, "a <|", "en", "x b"))
                .containsExactly(out("a "), out(""), out("<|enx b"));
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void overlappingPrefixes() {
        var matcher = new StopSequenceMatcher(List.of("aab"));
        assertThat(feedAll(matcher, "a", "a", "a", "b"))
                .containsExactly(out(""), out(""), out("a"), stop(""));

        assertThat(feedAll(new StopSequenceMatcher(List.of("abab")), "xabab", "ab"))
                .containsExactly(stop("x"), stop(""));
        assertThat(feedAll(new StopSequenceMatcher(List.of("abab")), "xaba", "bab"))
                .containsExactly(out("x"), stop(""));
        assertThat(feedAll(new StopSequenceMatcher(List.of("abac")), "ababa", "c"))
                .containsExactly(out("ab"), stop(""));
    }

    @Test
    void theStopThatEndsFirstWinsAndOnATieTheLongerOne() {
        assertThat(new StopSequenceMatcher(List.of("abcd", "bc")).feed("xabcd")).isEqualTo(stop("xa"));
        assertThat(new StopSequenceMatcher(List.of("yz", "xyz")).feed("wxyz!")).isEqualTo(stop("w"));
        assertThat(new StopSequenceMatcher(List.of("STOP", "\n\n", "###", "END")).feed("one\n\ntwo END"))
                .isEqualTo(stop("one"));
    }

    @Test
    void holdsBackOnlyWhatCouldStillMatch() {
        var matcher = new StopSequenceMatcher(List.of("Observation:", "\n\n"));
        assertThat(feedAll(matcher, "Thought: ok\n", "Obs", "erv", "x"))
                .containsExactly(out("Thought: ok"), out("\n"), out(""), out("Observx"));
        assertThat(matcher.feed("\n")).isEqualTo(out(""));
        assertThat(matcher.flush()).isEqualTo("\n");
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void unicodeStopsAndSurrogatePairs() {
        var emoji = new StopSequenceMatcher(List.of("😀"));
        assertThat(feedAll(emoji, "hi \uD83D", "\uDE00 there")).containsExactly(out("hi "), stop(""));

        var notEmoji = new StopSequenceMatcher(List.of("😀"));
        assertThat(feedAll(notEmoji, "hi \uD83D", "\uDE01!")).containsExactly(out("hi "), out("😁!"));

        var cjk = new StopSequenceMatcher(List.of("。結束"));
        assertThat(feedAll(cjk, "你好。", "結", "束了")).containsExactly(out("你好"), out(""), stop(""));
    }

    @Test
    void emptyDeltasAreHarmless() {
        var matcher = new StopSequenceMatcher(List.of("ab"));
        assertThat(feedAll(matcher, "", "a", "", "b")).containsExactly(out(""), out(""), out(""), stop(""));
    }

    @Test
    void rejectsEmptyStops() {
        assertThatThrownBy(() -> new StopSequenceMatcher(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class);
    }

    /** What a character-at-a-time scan yields: the text before the first stop to end, and whether one did. */
    private static Result reference(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            String best = null;
            for (String stop : stops) {
                if (stop.length() <= end && text.startsWith(stop, end - stop.length())
                        && (best == null || stop.length() > best.length())) {
                    best = stop;
                }
            }
            if (best != null) {
                return stop(text.substring(0, end - best.length()));
            }
        }
        return out(text);
    }

    private static Result run(List<String> stops, List<String> deltas) {
        var matcher = new StopSequenceMatcher(stops);
        var emitted = new StringBuilder();
        boolean stopped = false;
        for (String delta : deltas) {
            Result result = matcher.feed(delta);
            emitted.append(result.text());
            stopped |= result.stopped();
        }
        emitted.append(matcher.flush());
        return new Result(emitted.toString(), stopped);
    }

    /** Every way to cut the text into three deltas gives the reference answer. */
    @Test
    void everySplitIntoThreeDeltasMatchesTheReference() {
        List<List<String>> stopSets = List.of(List.of("aab"), List.of("abab", "ba"), List.of("cab", "abc", "bb"),
                List.of("aaaa"), List.of("a\uD83D\uDE00b", "\uD83D\uDE00\uD83D"));
        List<String> texts = List.of("aaab", "abaababbab", "ccabcabbcc", "aaaaaaaa", "babababa", "a😀😀b a😀b",
                "no stop here", "");
        for (List<String> stops : stopSets) {
            for (String text : texts) {
                Result expected = reference(text, stops);
                for (int i = 0; i <= text.length(); i++) {
                    for (int j = i; j <= text.length(); j++) {
                        Result actual = run(stops, List.of(text.substring(0, i), text.substring(i, j),
                                text.substring(j)));
                        if (!actual.equals(expected)) {
                            assertThat(actual).as("%s in '%s' cut at %d,%d", stops, text, i, j).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    /** Random texts over a small alphabet (so stops keep nearly matching), cut into random deltas. */
    @Test
    void randomTextsAndCutsMatchTheReference() {
        var random = new SplittableRandom(42);
        String alphabet = "abc";
        for (int round = 0; round < 3000; round++) {
            var stops = new ArrayList<String>();
            for (int s = 1 + random.nextInt(4); s > 0; s--) {
                stops.add(randomString(random, alphabet, 1 + random.nextInt(5)));
            }
            String text = randomString(random, alphabet, random.nextInt(30));
            var deltas = new ArrayList<String>();
            for (int at = 0; at < text.length(); ) {
                int n = Math.min(text.length() - at, random.nextInt(6));
                deltas.add(text.substring(at, at + n));
                at += n;
            }
            Result expected = reference(text, stops);
            Result actual = run(stops, deltas);
            if (!actual.equals(expected)) {
                assertThat(actual).as("%s in '%s' as %s", stops, text, deltas).isEqualTo(expected);
            }
        }
    }

    private static String randomString(SplittableRandom random, String alphabet, int length) {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
