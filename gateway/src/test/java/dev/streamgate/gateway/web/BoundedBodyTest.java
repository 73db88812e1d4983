package dev.streamgate.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferLimitException;

class BoundedBodyTest {

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void buffersAreJoinedInOrderWithoutMovingTheirReaders() {
        ByteBuf first = bytes("{\"model\":");
        ByteBuf second = bytes("\"echo\"}");
        byte[] body = new BoundedBody(100, -1).append(first).append(second).bytes();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"echo\"}");
        assertThat(first.readerIndex()).isZero();
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() {
        assertThat(new BoundedBody(4, 4).append(bytes("ab")).append(bytes("cd")).bytes()).hasSize(4);
        assertThat(new BoundedBody(4, -1).append(bytes("abcd")).bytes()).hasSize(4);
    }

    @Test
    void oneByteOverTheLimitFailsAsSpringsCodecsDo() {
        BoundedBody body = new BoundedBody(4, -1).append(bytes("abc"));
        assertThatThrownBy(() -> body.append(bytes("de"))).isInstanceOf(DataBufferLimitException.class);
    }

    @Test
    void anAnnouncedLengthOverTheLimitFailsBeforeAnythingIsRead() {
        assertThatThrownBy(() -> new BoundedBody(4, 5)).isInstanceOf(DataBufferLimitException.class);
    }

    @Test
    void aBodyLargerThanTheFirstGuessGrows() {
        String large = "x".repeat(50_000);
        BoundedBody body = new BoundedBody(100_000, -1);
        for (int i = 0; i < 5; i++) {
            body.append(bytes(large.substring(i * 10_000, (i + 1) * 10_000)));
        }
        assertThat(new String(body.bytes(), StandardCharsets.UTF_8)).isEqualTo(large);
    }

    @Test
    void noBodyIsAnEmptyArray() {
        assertThat(new BoundedBody(10, -1).bytes()).isEmpty();
        assertThat(new BoundedBody(10, 0).bytes()).isEmpty();
    }

    /** A large announced length is not allocated up front; the body still arrives whole, piece by piece. */
    @Test
    void aLargeAnnouncedBodyGrowsAsItArrives() {
        String large = "y".repeat(1_000_000);
        BoundedBody body = new BoundedBody(2_000_000, large.length());
        for (int i = 0; i < 100; i++) {
            body.append(bytes(large.substring(i * 10_000, (i + 1) * 10_000)));
        }
        assertThat(new String(body.bytes(), StandardCharsets.UTF_8)).isEqualTo(large);
    }
}
