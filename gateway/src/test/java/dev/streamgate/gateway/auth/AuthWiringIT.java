package dev.streamgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamgate.gateway.GatewayConfiguration;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@link AuthConfiguration} in a running Spring Boot application on a free port: properties bound from the
 * variables application.yml names, the filter registered, the admin routes served, the demo key provisioned on
 * start-up and the failure metric on the Prometheus endpoint.
 */
class AuthWiringIT {
    private static final String ADMIN_KEY = "wiring-test-admin-key-0123456789";
    private static final String DEMO_KEY = "wiring-test-demo-key-0123456789";

    private static ConfigurableApplicationContext app;
    private static WebTestClient client;
    private static final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({AuthConfiguration.class, GatewayConfiguration.class})
    static class TestApplication {
        static AuthTestDatabase database;

        @Bean
        ConnectionFactory connectionFactory() {
            return database.client().getConnectionFactory();
        }

        @Bean
        DatabaseClient databaseClient() {
            return database.client();
        }

        @Bean
        TenantDirectory tenantDirectory() {
            return database;
        }

        @Bean
        @Order(-2)
        TestErrorHandler testErrorHandler() {
            return new TestErrorHandler();
        }
    }

    @BeforeAll
    static void start() {
        TestApplication.database = new AuthTestDatabase();
        TestApplication.database.addTenant("demo", false);
        PrintStream original = System.out;
        // a copy of the console for the assertions; the console itself still shows everything
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                stdout.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                stdout.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            app = new SpringApplicationBuilder(TestApplication.class)
                    .web(WebApplicationType.REACTIVE)
                    .run("--server.port=0", "--STREAMGATE_ADMIN_KEY=" + ADMIN_KEY,
                            "--STREAMGATE_DEMO_API_KEY=" + DEMO_KEY,
                            "--management.endpoints.web.exposure.include=health,prometheus",
                            "--management.otlp.metrics.export.enabled=false",
                            "--management.tracing.export.enabled=false");
        } finally {
            System.setOut(original);
        }
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theDemoKeyFromTheEnvironmentWorksAfterStartAndIsNotPrinted() {
        AtomicReference<String> listing = new AtomicReference<>();
        client.get().uri("/admin/v1/tenants/demo/keys").header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_KEY)
                .exchange().expectStatus().isOk()
                .expectBody(String.class).value(listing::set);

        assertThat(listing.get()).contains("\"name\":\"demo\"").doesNotContain(DEMO_KEY);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(DEMO_KEY);
        // the demo key is a tenant key, not an admin
        client.get().uri("/admin/v1/tenants/demo/keys").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY)
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void keysIssuedOverHttpAuthenticate() {
        AtomicReference<String> secret = new AtomicReference<>();
        client.post().uri("/admin/v1/tenants/demo/keys").header(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"wired\"}")
                .exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.key").value(String.class, secret::set);

        // no route answers /v1/models on this branch: 404 means the key got past the filter
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + secret.get())
                .exchange().expectStatus().isNotFound();
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY)
                .exchange().expectStatus().isNotFound();
        client.get().uri("/v1/models").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void healthAndPrometheusArePublicAndCountFailures() {
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer sk-sg-wrong-wrong-wrong-wrong")
                .exchange().expectStatus().isUnauthorized();

        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body)
                        .contains("streamgate_auth_failures_total{reason=\"unknown_api_key\"}"));
    }
}
