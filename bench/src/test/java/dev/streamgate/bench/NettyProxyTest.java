package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class NettyProxyTest {
    @Test
    void copiesEndToEndHeadersAndDropsHopByHopOnesWhateverTheirCase() {
        HttpHeaders from = new DefaultHttpHeaders()
                .add("Content-Type", "application/json")
                .add("Authorization", "Bearer k")
                .add("Content-Length", "42")
                .add("X-Request-Id", "r1")
                .add("Connection", "keep-alive")
                .add("KEEP-ALIVE", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Host", "127.0.0.1:1")
                .add("Proxy-Connection", "keep-alive");
        HttpHeaders to = new DefaultHttpHeaders();

        NettyProxy.copy(from, to);

        assertThat(to.names()).containsExactlyInAnyOrder("Content-Type", "Authorization", "Content-Length",
                "X-Request-Id");
        assertThat(to.get("authorization")).isEqualTo("Bearer k");
    }

    @Test
    void knowsAnEventStreamByItsMediaTypeWithOrWithoutParameters() {
        assertThat(NettyProxy.isEventStream(new DefaultHttpHeaders().add("content-type",
                "text/event-stream; charset=utf-8"))).isTrue();
        assertThat(NettyProxy.isEventStream(new DefaultHttpHeaders().add("Content-Type", "Text/Event-Stream")))
                .isTrue();
        assertThat(NettyProxy.isEventStream(new DefaultHttpHeaders().add("Content-Type", "application/json")))
                .isFalse();
        assertThat(NettyProxy.isEventStream(new DefaultHttpHeaders())).isFalse();
    }
}
