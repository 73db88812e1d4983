package dev.streamgate.gateway.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.streamgate.gateway.GatewayApplication;
import dev.streamgate.gateway.deployments.DeploymentCatalog;
import dev.streamgate.gateway.metering.UsageRecord;
import dev.streamgate.gateway.metering.UsageSink;
import dev.streamgate.gateway.persistence.DatabaseServer;
import dev.streamgate.gateway.persistence.EmbeddedDatabase;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The application on its embedded default, started twice on one home folder as a user would run it: the embedded
 * database is created, migrated and seeded, usage recorded just before shutdown is written, and all of it is there
 * after the restart.
 */
class EmbeddedDefaultIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private ConfigurableApplicationContext start() {
        // Command-line arguments, so that no STREAMGATE_DATABASE_URL in the environment can switch the mode.
        return new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0",
                "--streamgate.home=" + home,
                "--streamgate.database.url=",
                // Only shutdown writes usage in this test: the window never ends while it runs.
                "--streamgate.metering.flush-window=1h");
    }

    @Test
    void startsMigratesAndSeedsThenKeepsEverythingAcrossARestart() {
        try (ConfigurableApplicationContext app = start()) {
            DatabaseServer server = app.getBean(DatabaseServer.class);
            assertThat(server).isInstanceOf(EmbeddedDatabase.class);
            assertThat(((EmbeddedDatabase) server).dataDirectory()).isEqualTo(home.resolve("pg"));
            assertThat(app.getBeansOfType(ConnectionFactory.class)).hasSize(1);

            assertThat(app.getBean(DemoTenancy.class)).isEqualTo(new DemoTenancy("demo", "default"));
            Tenant demo = app.getBean(TenantDirectory.class).find("demo").block(TIMEOUT);
            assertThat(demo).isNotNull();
            assertThat(demo.plan()).isEqualTo(DemoTenancySeeder.DEFAULT_PLAN);
            assertThat(demo.disabled()).isFalse();

            assertThat(app.getBean(DeploymentCatalog.class).find("echo"))
                    .hasValueSatisfying(echo -> assertThat(echo.option("tokenDelayMs", "")).isEqualTo("20"));

            app.getBean(UsageSink.class).record(new UsageRecord("req-before-shutdown", "demo", null, "echo", "echo",
                    3, 4, true, BigDecimal.ZERO, UsageRecord.Status.COMPLETED, "stop", Duration.ofMillis(5),
                    Duration.ofMillis(50), Instant.parse("2026-11-27T09:00:00Z")));
            assertThat(count(app, "usage_records")).isZero();
        }

        try (ConfigurableApplicationContext app = start()) {
            assertThat(count(app, "usage_records")).isEqualTo(1);
            assertThat(count(app, "plans")).isEqualTo(1);
            assertThat(count(app, "tenants")).isEqualTo(1);
            assertThat(app.getBean(DatabaseClient.class)
                    .sql("select max(version) as v from flyway_schema_history").map(r -> r.get("v", String.class))
                    .one().block(TIMEOUT)).isEqualTo("2");
        }
    }

    private static long count(ConfigurableApplicationContext app, String table) {
        return app.getBean(DatabaseClient.class).sql("select count(*) as n from " + table)
                .map(r -> r.get("n", Long.class)).one().block(TIMEOUT);
    }
}
