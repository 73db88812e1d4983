package dev.streamgate.streaming.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SseEventParserTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds the whole stream at once and flushes. */
    private static List<SseEvent> parse(String stream) {
        return parse(utf8(stream));
    }

    private static List<SseEvent> parse(byte[] stream) {
        var parser = new SseEventParser();
        var events = new ArrayList<>(parser.feed(stream));
        events.addAll(parser.flush());
        return events;
    }

    private static SseEvent message(String data) {
        return new SseEvent("message", data, null);
    }

    @Test
    void parsesOpenAiStyleEvents() {
        assertThat(parse("data: {\"a\":1}\n\ndata: [DONE]\n\n"))
                .containsExactly(message("{\"a\":1}"), message("[DONE]"));
    }

    @Test
    void joinsMultipleDataLinesWithNewlines() {
        assertThat(parse("data: first\ndata: second\ndata:\ndata: fourth\n\n"))
                .containsExactly(message("first\nsecond\n\nfourth"));
    }

    @Test
    void keepsEventTypeAndIdsWhichPersistAcrossEvents() {
        assertThat(parse("event: message_start\nid: 1\ndata: a\n\ndata: b\n\nevent: ping\nid: 7\ndata: c\n\n"))
                .containsExactly(new SseEvent("message_start", "a", "1"), new SseEvent("message", "b", "1"),
                        new SseEvent("ping", "c", "7"));
    }

    @Test
    void anEmptyIdResetsIt() {
        assertThat(parse("id: 3\ndata: a\n\nid\ndata: b\n\n"))
                .containsExactly(new SseEvent("message", "a", "3"), new SseEvent("message", "b", ""));
    }

    @Test
    void idWithNulIsIgnored() {
        assertThat(parse("id: 1\ndata: a\n\nid: 2\u0000x\ndata: b\n\n"))
                .containsExactly(new SseEvent("message", "a", "1"), new SseEvent("message", "b", "1"));
    }

    @Test
    void ignoresCommentsRetryAndUnknownFields() {
        assertThat(parse(": keep-alive\n\n:\nretry: 1000\nfoo: bar\ndata: x\n: inside\n\n"))
                .containsExactly(message("x"));
    }

    @Test
    void blankLineWithoutDataDispatchesNothingAndResetsTheEventType() {
        assertThat(parse("event: custom\n\ndata: x\n\n")).containsExactly(message("x"));
    }

    @Test
    void fieldValueRules() {
        assertThat(parse("data:no-space\n\n")).containsExactly(message("no-space"));
        assertThat(parse("data:  two spaces\n\n")).containsExactly(message(" two spaces"));
        assertThat(parse("data\n\n")).containsExactly(message(""));
        assertThat(parse("data: a: b\n\n")).containsExactly(message("a: b"));
        assertThat(parse("Data: case matters\n\n")).isEmpty();
    }

    @Test
    void acceptsCrLfCrAndLfLineEndings() {
        List<SseEvent> expected = List.of(new SseEvent("e", "a\nb", null), message("c"));
        assertThat(parse("event: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n")).isEqualTo(expected);
        assertThat(parse("event: e\rdata: a\rdata: b\r\rdata: c\r\r")).isEqualTo(expected);
        assertThat(parse("event: e\ndata: a\rdata: b\r\n\ndata: c\n\r\n")).isEqualTo(expected);
    }

    @Test
    void crLfSplitAcrossChunksIsOneLineEnding() {
        var parser = new SseEventParser();
        assertThat(parser.feed(utf8("data: a\r"))).isEmpty();
        assertThat(parser.feed(utf8("\ndata: b\r"))).isEmpty();
        assertThat(parser.feed(utf8("\n\r"))).containsExactly(message("a\nb"));
        assertThat(parser.feed(utf8("\n"))).isEmpty();
        assertThat(parser.feed(utf8("data: c\n\n"))).containsExactly(message("c"));
    }

    @Test
    void skipsOneLeadingByteOrderMarkEvenWhenSplit() {
        assertThat(parse("\uFEFFdata: a\n\n")).containsExactly(message("a"));
        var parser = new SseEventParser();
        byte[] stream = utf8("\uFEFFdata: b\n\n");
        assertThat(parser.feed(stream, 0, 1)).isEmpty();
        assertThat(parser.feed(stream, 1, 1)).isEmpty();
        assertThat(parser.feed(stream, 2, stream.length - 2)).containsExactly(message("b"));
        assertThat(parse("\uFEFF\uFEFFdata: c\n\n")).as("only the first BOM is skipped").isEmpty();
    }

    @Test
    void aPartialBomIsData() {
        byte[] stream = {(byte) 0xEF, (byte) 0xBB, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'};
        assertThat(parse(stream)).isEmpty();
        byte[] onlyEf = {(byte) 0xEF, '\n', 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'};
        assertThat(parse(onlyEf)).containsExactly(message("x"));
    }

    @Test
    void aFinalEventWithoutBlankLineWaitsForFlush() {
        var parser = new SseEventParser();
        assertThat(parser.feed(utf8("data: a\n\ndata: last\n"))).containsExactly(message("a"));
        assertThat(parser.flush()).containsExactly(message("last"));

        var unterminated = new SseEventParser();
        assertThat(unterminated.feed(utf8("data: tail"))).isEmpty();
        assertThat(unterminated.flush()).containsExactly(message("tail"));
        assertThat(unterminated.flush()).isEmpty();
    }

    @Test
    void malformedUtf8BecomesReplacementCharacters() {
        byte[] stream = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, 'x', (byte) 0xFF, '\n', '\n'};
        // the event keeps the bytes as they came (a JSON parser reads them); its text decodes them leniently
        assertThat(parse(stream)).singleElement().satisfies(event -> {
            assertThat(event.data()).isEqualTo("\uFFFDx\uFFFD");
            assertThat(event.utf8Data()).containsExactly((byte) 0xC3, 'x', (byte) 0xFF);
        });
    }

    @Test
    void readsByteBuffersHeapAndDirect() {
        byte[] bytes = utf8("xxdata: é\n\nyy");
        var parser = new SseEventParser();
        ByteBuffer heap = ByteBuffer.wrap(bytes, 2, bytes.length - 4).slice();
        assertThat(parser.feed(heap)).containsExactly(message("é"));
        assertThat(heap.hasRemaining()).isFalse();

        ByteBuffer direct = ByteBuffer.allocateDirect(32);
        direct.put(utf8("data: d\n\n")).flip();
        assertThat(parser.feed(direct)).containsExactly(message("d"));
        assertThat(direct.hasRemaining()).isFalse();
    }

    /**
     * The property that matters for a network stream: however the bytes are cut (inside multi-byte characters,
     * between CR and LF, inside the BOM), the events are the same as when the stream arrives in one piece.
     */
    @Test
    void everySplitIntoTwoOrThreeChunksGivesTheSameEvents() {
        byte[] stream = utf8("\uFEFF: hi\r\nevent: delta\r\nid: 42\r\ndata: {\"t\":\"héllo 中文 😀\"}\r\n\r\n"
                + "data: a\rdata: b\r\rdata:\n\n: c\ndata: [DONE]\n\ndata: tail");
        List<SseEvent> expected = parse(stream);
        assertThat(expected).extracting(SseEvent::data)
                .containsExactly("{\"t\":\"héllo 中文 😀\"}", "a\nb", "", "[DONE]", "tail");

        for (int i = 0; i <= stream.length; i++) {
            for (int j = i; j <= stream.length; j++) {
                var parser = new SseEventParser();
                var events = new ArrayList<SseEvent>();
                events.addAll(parser.feed(stream, 0, i));
                events.addAll(parser.feed(stream, i, j - i));
                events.addAll(parser.feed(stream, j, stream.length - j));
                events.addAll(parser.flush());
                if (!events.equals(expected)) {
                    assertThat(events).as("split at %d and %d", i, j).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void randomChunkingOfALongStreamGivesTheSameEvents() {
        var text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append(i % 7 == 0 ? ": ping\r\n\r\n" : "")
                    .append("data: {\"i\":").append(i).append(",\"t\":\"ü😀").append("x".repeat(i % 13))
                    .append("\"}").append(i % 3 == 0 ? "\r\n\r\n" : i % 3 == 1 ? "\n\n" : "\r\r");
        }
        byte[] stream = utf8(text.toString());
        List<SseEvent> expected = parse(stream);
        assertThat(expected).hasSize(300);

        var random = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            var parser = new SseEventParser();
            var events = new ArrayList<SseEvent>();
            int at = 0;
            while (at < stream.length) {
                int n = Math.min(stream.length - at, 1 + random.nextInt(40));
                events.addAll(parser.feed(stream, at, n));
                at += n;
            }
            events.addAll(parser.flush());
            assertThat(events).isEqualTo(expected);
        }
    }

    @Test
    void anEventAtTheLimitPasses() {
        var parser = new SseEventParser(16);
        // The limit counts the event's lines without their line endings: "data: 0123456789" is 16 bytes.
        assertThat(parser.feed(utf8("data: 0123456789\n\n"))).containsExactly(message("0123456789"));
        assertThat(parser.feed(utf8("data: 0123\r\ndata:0\r\n\r\n"))).containsExactly(message("0123\n0"));
    }

    @Test
    void anEventOverTheLimitFails() {
        assertThatThrownBy(() -> new SseEventParser(16).feed(utf8("data: 0123456789a\n\n")))
                .isInstanceOf(SseEventTooLargeException.class)
                .extracting(e -> ((SseEventTooLargeException) e).limitBytes()).isEqualTo(16);
    }

    @Test
    void manyDataLinesOverTheLimitFail() {
        var parser = new SseEventParser(64);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                parser.feed(utf8("data: 12345\n"));
            }
        }).isInstanceOf(SseEventTooLargeException.class);
        assertThatThrownBy(() -> parser.feed(utf8("\n"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRunawayLineWithoutTerminatorFailsBeforeItEnds() {
        var parser = new SseEventParser(1024);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                parser.feed(utf8(": " + "x".repeat(50)));
            }
        }).isInstanceOf(SseEventTooLargeException.class);
    }

    @Test
    void theLimitIsPerEvent() {
        var parser = new SseEventParser(32);
        var events = new ArrayList<SseEvent>();
        for (int i = 0; i < 1000; i++) {
            events.addAll(parser.feed(utf8("data: event number " + i + "\n\n")));
        }
        assertThat(events).hasSize(1000);
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new SseEventParser(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
