package dev.streamgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Through the proxy to the fake upstream: everything arrives, streams end with [DONE], failures are 502s. */
class NettyProxyIT {
    private DisposableServer fake;
    private DisposableServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.disposeNow(Duration.ofSeconds(5));
        }
        if (fake != null) {
            fake.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void forwardsStreamingAndNonStreamingRequestsWhole() throws Exception {
        fake = new FakeUpstream(new FakeUpstream.Settings(8, Duration.ZERO, Duration.ofMillis(5), "paced")).start(0);
        proxy = new NettyProxy(URI.create("http://127.0.0.1:" + fake.port()), 16, Duration.ofSeconds(10)).start(0);

        for (String model : new String[] {"bench", "paced"}) {
            for (boolean stream : new boolean[] {false, true}) {
                ObjectNode result = LoadGenerator.run(new LoadGenerator.Settings(
                        URI.create("http://127.0.0.1:" + proxy.port() + FakeUpstream.PATH), null, 4, stream, model,
                        64, 0, 4, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(10), 1_000_000,
                        null, 100, "proxy"));

                assertThat(result.get("ok").asLong()).as("%s, stream %s", model, stream).isPositive();
                assertThat(result.get("error_count").asLong()).as("%s, stream %s", model, stream).isZero();
            }
        }
    }

    @Test
    void answersAnUnreachableUpstreamWithA502InOpenAisErrorFormat() throws Exception {
        int closedPort = closedPort();
        proxy = new NettyProxy(URI.create("http://127.0.0.1:" + closedPort), 4, Duration.ofSeconds(5)).start(0);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.port() + FakeUpstream.PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = JsonMapper.shared().readTree(response.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("bad_gateway");
        assertThat(error.has("message")).isTrue();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
