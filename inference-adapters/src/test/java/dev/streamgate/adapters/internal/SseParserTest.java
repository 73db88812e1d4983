package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private record Event(String type, String data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final SseParser.Listener listener =
            (type, data, length) -> events.add(new Event(type, new String(data, 0, length, StandardCharsets.UTF_8)));

    @Test
    void parsesDataEventsSeparatedByBlankLines() {
        feed(new SseParser(1024), "data: {\"a\":1}\n\ndata: [DONE]\n\n");

        assertThat(events).containsExactly(new Event(null, "{\"a\":1}"), new Event(null, "[DONE]"));
    }

    @Test
    void everySplitOfTheBodyGivesTheSameEvents() {
        String body = ": keep-alive\r\nevent: error\r\ndata: {\"x\":\"é\"}\r\n\r\ndata:first\ndata: second\n\n"
                + "id: 7\nretry: 10\ndata: last\r\r";
        List<Event> expected = List.of(new Event("error", "{\"x\":\"é\"}"), new Event(null, "first\nsecond"),
                new Event(null, "last"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= bytes.length; split++) {
            for (boolean direct : new boolean[] {true, false}) {
                events.clear();
                SseParser parser = new SseParser(1024);
                parser.feed(buffer(bytes, 0, split, direct), listener);
                parser.feed(buffer(bytes, split, bytes.length, direct), listener);
                parser.finish(listener);
                assertThat(events).as("split at %d, direct %s", split, direct).isEqualTo(expected);
            }
        }
    }

    @Test
    void byteByByteFeedingWorks() {
        byte[] bytes = "data: a\r\n\r\ndata: b\n\n".getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser(1024);
        for (int i = 0; i < bytes.length; i++) {
            parser.feed(buffer(bytes, i, i + 1, true), listener);
        }

        assertThat(events).containsExactly(new Event(null, "a"), new Event(null, "b"));
    }

    @Test
    void anEventLeftOpenAtTheEndOfTheBodyIsDelivered() {
        SseParser parser = new SseParser(1024);
        feed(parser, "data: [DONE]");
        assertThat(events).isEmpty();

        parser.finish(listener);

        assertThat(events).containsExactly(new Event(null, "[DONE]"));
    }

    @Test
    void eventsWithoutDataAreNotDelivered() {
        SseParser parser = new SseParser(1024);
        feed(parser, "event: ping\n\n: comment\n\ndata\n\n");

        assertThat(events).containsExactly(new Event(null, ""));
    }

    @Test
    void oversizedEventsAreRefused() {
        SseParser parser = new SseParser(16);

        assertThatThrownBy(() -> feed(parser, "data: 0123456789abcdefXYZ\n\n"))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> feed(new SseParser(16), "data: 0123456789abcdefXYZ"))
                .isInstanceOf(ProtocolViolation.class);
    }

    private void feed(SseParser parser, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        parser.feed(buffer(bytes, 0, bytes.length, true), listener);
    }

    private static ByteBuf buffer(byte[] bytes, int from, int to, boolean direct) {
        ByteBuf buffer = direct ? Unpooled.directBuffer(to - from + 1) : Unpooled.buffer(to - from + 3);
        if (!direct) {
            // a heap buffer whose content does not start at its array's start
            buffer.writeBytes(new byte[] {'x', 'y'});
            buffer.readerIndex(2);
        }
        buffer.writeBytes(bytes, from, to - from);
        return buffer;
    }
}
