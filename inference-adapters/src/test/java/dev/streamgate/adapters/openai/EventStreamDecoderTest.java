package dev.streamgate.adapters.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.streamgate.streaming.FinishReason;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.Usage;
import dev.streamgate.streaming.openai.MalformedResponseException;
import dev.streamgate.streaming.sse.SseEventTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {
    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private final List<StreamEvent> events = new ArrayList<>();

    private enum Layout { HEAP_WITH_OFFSET, DIRECT, COMPOSITE }

    /** However the network cuts the body and whatever kind of buffer carries it, the events are the same. */
    @Test
    void everySplitOfTheBodyInEveryKindOfBufferGivesTheSameEvents() {
        String body = ": keep-alive\r\n\r\n" + chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)
                + chunk("{\"content\":\"héllo 😀\"}", null).replace("\n\n", "\r\n\r\n")
                + chunk("{}", "\"stop\"")
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n"
                + "data: [DONE]\n\n";
        List<StreamEvent> expected = List.of(new StreamEvent.TextDelta("héllo 😀"),
                new StreamEvent.UsageReport(new Usage(9, 2, false)), new StreamEvent.Finish(FinishReason.STOP));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= bytes.length; split++) {
            for (Layout layout : Layout.values()) {
                var fresh = new EventStreamDecoder();
                var decoded = new ArrayList<StreamEvent>();
                ByteBuf first = buffer(bytes, 0, split, layout);
                ByteBuf second = buffer(bytes, split, bytes.length, layout);
                fresh.feed(first, decoded);
                fresh.feed(second, decoded);
                fresh.end(decoded);
                assertThat(decoded).as("split at %d in %s", split, layout).isEqualTo(expected);
                assertThat(fresh.dataEvents()).isEqualTo(5);
                assertThat(first.readerIndex()).as("the buffer is read, not consumed").isEqualTo(
                        layout == Layout.HEAP_WITH_OFFSET ? 2 : 0);
            }
        }
    }

    @Test
    void messagesWithoutEventsStillCountAsProgress() {
        feed(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null) + ": ping\n\n");

        assertThat(events).isEmpty();
        assertThat(decoder.dataEvents()).isEqualTo(1);
    }

    @Test
    void dataAfterDoneIsIgnored() {
        feed("data: [DONE]\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"}}]}\n\ndata: junk\n\n");
        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.Finish(FinishReason.STOP));
        assertThat(decoder.dataEvents()).isEqualTo(3);
    }

    @Test
    void endOfBodyAfterAFinishReasonFinishesTheStream() {
        feed(chunk("{\"content\":\"x\"}", "\"stop\""));

        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.TextDelta("x"), new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void aLastEventWithoutItsBlankLineIsDecodedAtTheEnd() {
        feed(chunk("{\"content\":\"x\"}", null) + "data: [DONE]");
        assertThat(events).containsExactly(new StreamEvent.TextDelta("x"));

        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.TextDelta("x"), new StreamEvent.Finish(FinishReason.STOP));
    }

    @Test
    void endOfBodyWithoutFinishIsACutOffStream() {
        feed(chunk("{\"content\":\"x\"}", null));

        assertThatThrownBy(() -> decoder.end(events)).isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("without a finish_reason");
        assertThat(events).containsExactly(new StreamEvent.TextDelta("x"));
    }

    @Test
    void aFailureComesAfterTheEventsBeforeIt() {
        assertThatThrownBy(() -> feed(chunk("{\"content\":\"a\"}", null) + "data: {\"choices\n\n"))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("malformed JSON");
        assertThat(events).containsExactly(new StreamEvent.TextDelta("a"));
    }

    @Test
    void anErrorInTheStreamEndsItAsAnEvent() {
        feed(chunk("{\"content\":\"a\"}", null) + "data: {\"error\":{\"message\":\"overloaded\",\"code\":503}}\n\n"
                + chunk("{\"content\":\"b\"}", null));
        decoder.end(events);

        assertThat(events).containsExactly(new StreamEvent.TextDelta("a"),
                new StreamEvent.StreamError(503, "upstream_error", "503", "overloaded"));
    }

    @Test
    void anErrorEventEndsTheStream() {
        feed("event: error\ndata: {\"message\":\"bad\",\"code\":\"oops\"}\n\n");

        assertThat(events).containsExactly(new StreamEvent.StreamError(502, "upstream_error", "oops", "bad"));
    }

    @Test
    void anOversizedEventIsRefused() {
        var small = new EventStreamDecoder(16);

        assertThatThrownBy(() -> small.feed(Unpooled.copiedBuffer("data: 0123456789abcdefXYZ", StandardCharsets.UTF_8),
                events)).isInstanceOf(SseEventTooLargeException.class).hasMessageContaining("16 bytes");
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    private void feed(String text) {
        decoder.feed(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)), events);
    }

    private static ByteBuf buffer(byte[] bytes, int from, int to, Layout layout) {
        return switch (layout) {
            case HEAP_WITH_OFFSET -> {
                // a heap buffer whose readable bytes do not start at its array's start
                ByteBuf buffer = Unpooled.buffer(to - from + 2);
                buffer.writeBytes(new byte[] {'x', 'y'});
                buffer.readerIndex(2);
                yield buffer.writeBytes(bytes, from, to - from);
            }
            case DIRECT -> Unpooled.directBuffer(to - from + 1).writeBytes(bytes, from, to - from);
            case COMPOSITE -> {
                int middle = (from + to) / 2;
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                composite.addComponent(true, Unpooled.wrappedBuffer(bytes, from, middle - from));
                composite.addComponent(true, Unpooled.directBuffer(to - middle + 1).writeBytes(bytes, middle,
                        to - middle));
                yield composite;
            }
        };
    }
}
