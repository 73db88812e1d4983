package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class SseProbeTest {

    @Test
    void firstDataLineIsSeenInTheReadThatCompletesIt() {
        SseProbe probe = new SseProbe();
        probe.feed(buf(": keep-alive\n\nda"), 10);
        assertThat(probe.firstDataNanos()).isEqualTo(-1);
        probe.feed(buf("ta: {\"a\":1}\n\n"), 20);
        probe.feed(buf("data: {\"a\":2}\n\n"), 30);
        assertThat(probe.firstDataNanos()).isEqualTo(20);
    }

    @Test
    void dataInsideALineOrAfterOtherTextIsNotADataLine() {
        SseProbe probe = new SseProbe();
        probe.feed(buf(": data: not yet\nevent: data:\n"), 10);
        assertThat(probe.firstDataNanos()).isEqualTo(-1);
        probe.feed(buf("\r\ndata:{}\r\n\r\n"), 20);
        assertThat(probe.firstDataNanos()).isEqualTo(20);
    }

    @Test
    void theReadersIndexIsLeftAlone() {
        SseProbe probe = new SseProbe();
        ByteBuf buf = buf("data: x\n\n");
        probe.feed(buf, 1);
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.readableBytes()).isEqualTo(9);
    }

    @Test
    void doneAtTheEndIsFoundWhenSplitAcrossManySmallReads() {
        SseProbe probe = new SseProbe();
        String stream = "data: {\"choices\":[]}\n\n" + "x".repeat(100) + "\n\ndata: [DONE]\n\n";
        for (int i = 0; i < stream.length(); i += 3) {
            probe.feed(buf(stream.substring(i, Math.min(stream.length(), i + 3))), i);
        }
        assertThat(probe.endedWithDone()).isTrue();
    }

    @Test
    void doneMustBeTheLastLineOfTheStream() {
        SseProbe ended = new SseProbe();
        ended.feed(buf("data: {}\n\ndata: [DONE]\r\n\r\n"), 1);
        assertThat(ended.endedWithDone()).isTrue();

        SseProbe followedByMore = new SseProbe();
        followedByMore.feed(buf("data: [DONE]\n\ndata: {}\n\n"), 1);
        assertThat(followedByMore.endedWithDone()).isFalse();

        SseProbe errorEvent = new SseProbe();
        errorEvent.feed(buf("data: {\"error\":{\"message\":\"upstream failed\"}}\n\n"), 1);
        assertThat(errorEvent.endedWithDone()).isFalse();

        SseProbe notALineStart = new SseProbe();
        notALineStart.feed(buf("data: xdata: [DONE]\n"), 1);
        assertThat(notALineStart.endedWithDone()).isFalse();

        assertThat(new SseProbe().endedWithDone()).isFalse();
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
