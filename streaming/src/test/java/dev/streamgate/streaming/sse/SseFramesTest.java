package dev.streamgate.streaming.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseFramesTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void dataFrame() {
        assertThat(text(SseFrames.data("{\"a\":\"é\"}"))).isEqualTo("data: {\"a\":\"é\"}\n\n");
        byte[] buffer = "xx{}yy".getBytes(StandardCharsets.UTF_8);
        assertThat(text(SseFrames.data(buffer, 2, 2))).isEqualTo("data: {}\n\n");
        assertThat(text(SseFrames.data(new byte[0]))).isEqualTo("data: \n\n");
    }

    @Test
    void doneAndKeepAlive() {
        assertThat(text(SseFrames.done())).isEqualTo("data: [DONE]\n\n");
        assertThat(text(SseFrames.keepAlive())).isEqualTo(": keep-alive\n\n");
        SseFrames.done()[0] = 'x';
        assertThat(text(SseFrames.done())).as("each call returns its own array").startsWith("data");
    }

    @Test
    void payloadLineBreaksBecomeSeveralDataLines() {
        assertThat(text(SseFrames.data("a\nb\r\nc\rd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
        assertThat(text(SseFrames.data("end\n"))).isEqualTo("data: end\ndata: \n\n");
        assertThat(text(SseFrames.comment("one\ntwo"))).isEqualTo(": one\n: two\n\n");
    }

    @Test
    void framesParseBackToTheirPayloads() {
        List<String> payloads = List.of("{\"x\":1}", "multi\nline\r\npayload", "", "[DONE]", "trailing\n", "😀");
        var parser = new SseEventParser();
        var received = new ArrayList<String>();
        for (String payload : payloads) {
            parser.feed(SseFrames.keepAlive());
            parser.feed(SseFrames.data(payload)).forEach(event -> received.add(event.data()));
        }
        assertThat(received).containsExactly("{\"x\":1}", "multi\nline\npayload", "", "[DONE]", "trailing\n", "😀");
        assertThat(parser.feed(SseFrames.done())).containsExactly(new SseEvent("message", "[DONE]", null));
    }
}
