package dev.streamgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged gateway jar the way the README tells a user to, with nothing but a home folder and a demo
 * key, and streams a completion from the built-in echo model through it. Runs after {@code package}
 * (failsafe), so it exercises the real jar: embedded PostgreSQL, local rate limits, the demo tenant.
 */
class EmbeddedDefaultJarIT {
    private static final String DEMO_KEY = "sk-sg-demo-embedded-default-test-key-0123456789";

    @TempDir
    Path home;

    private Process gateway;

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void theJarServesAStreamingCompletionOnItsEmbeddedDefault() throws Exception {
        Path jar = Path.of(System.getProperty("streamgate.jar", "target/streamgate-gateway.jar"));
        assertThat(jar).as("the packaged gateway jar (run `./mvnw package` first)").exists();
        int port = freePort();
        Path log = home.resolve("gateway.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString(),
                "--streamgate.home=" + home.toAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("STREAMGATE_DEMO_API_KEY", DEMO_KEY);
        gateway = builder.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitHealthy(http, base, log);

        HttpRequest chat = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DEMO_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"echo","stream":true,"stream_options":{"include_usage":true},
                         "messages":[{"role":"user","content":"hello from the embedded default"}]}"""))
                .build();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(chat,
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).as(Files.readString(log)).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> data = response.body().filter(line -> line.startsWith("data: ")).toList();
        assertThat(data.getLast()).isEqualTo("data: [DONE]");
        String text = data.stream()
                .filter(line -> line.contains("\"content\":\""))
                .map(line -> line.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1"))
                .reduce("", String::concat);
        assertThat(text).isEqualTo("hello from the embedded default");
        assertThat(data).anySatisfy(line -> assertThat(line).contains("\"usage\":{\"prompt_tokens\""));

        // The demo chat model, on StreamGate's own engine inside the gateway.
        HttpResponse<String> demo = http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DEMO_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"demo-chat","temperature":0,
                         "messages":[{"role":"user","content":"What does the gateway do?"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(demo.statusCode()).as(demo.body()).isEqualTo(200);
        assertThat(demo.body()).contains(
                "\"content\":\"The gateway routes the prompt to the right model. It also streams tokens over SSE.\"");
    }

    private void awaitHealthy(HttpClient http, URI base, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        HttpRequest health = HttpRequest.newBuilder(base.resolve("/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            assertThat(gateway.isAlive()).as("gateway exited early:\n%s", Files.readString(log)).isTrue();
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("gateway not healthy within 3 minutes:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
