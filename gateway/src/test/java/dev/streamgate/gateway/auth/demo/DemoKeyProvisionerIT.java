package dev.streamgate.gateway.auth.demo;

import dev.streamgate.adapters.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamgate.gateway.auth.AuthTestDatabase;
import dev.streamgate.gateway.auth.ManualTicker;
import dev.streamgate.gateway.auth.TenantResolver;
import dev.streamgate.gateway.auth.apikey.ApiKey;
import dev.streamgate.gateway.auth.apikey.ApiKeyAuthenticator;
import dev.streamgate.gateway.auth.apikey.ApiKeyFormat;
import dev.streamgate.gateway.auth.apikey.ApiKeyIssuer;
import dev.streamgate.gateway.auth.apikey.ApiKeyRepository;
import dev.streamgate.gateway.auth.internal.LookupCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo key against a real PostgreSQL, across simulated restarts. */
class DemoKeyProvisionerIT {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final LookupCache.Settings CACHE =
            new LookupCache.Settings(Duration.ofSeconds(3), Duration.ofSeconds(2), 1_000);

    private static AuthTestDatabase database;
    private static ApiKeyRepository repository;
    private static long seed = 1;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    /** What one start of the gateway builds. */
    private final class Start {
        final ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(repository,
                new TenantResolver(database), CACHE, new ManualTicker(), clock);
        final ApiKeyIssuer issuer = new ApiKeyIssuer(repository, database, authenticator, clock,
                new SplittableRandom(seed++));

        ApiKey provision(DemoKeyProperties properties) {
            return new DemoKeyProvisioner(properties, database, issuer,
                    new PrintStream(console, true, StandardCharsets.UTF_8)).provision().block(LIMIT);
        }

        String tenantOf(String key) {
            return authenticator.authenticate(key).block(LIMIT).tenantId();
        }
    }

    @BeforeAll
    static void database() {
        database = new AuthTestDatabase();
        database.addTenant("demo", false);
        database.addTenant("demo2", false);
        database.addTenant("demo3", false);
        repository = new ApiKeyRepository(database.client());
    }

    @Test
    void aKeyFromTheEnvironmentWorksAcrossRestartsAndIsNeverPrinted() {
        String chosen = "my-own-demo-key-1234567890";
        var properties = new DemoKeyProperties(true, "demo", chosen);

        ApiKey first = new Start().provision(properties);
        Start restarted = new Start();
        ApiKey second = restarted.provision(properties);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(restarted.tenantOf(chosen)).isEqualTo("demo");
        assertThat(repository.findByTenant("demo").collectList().block(LIMIT)).hasSize(1);
        assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(chosen);
    }

    @Test
    void anIssuedFormatKeyFromTheEnvironmentWorksToo() {
        String chosen = ApiKeyFormat.generate(new SplittableRandom(99)).plaintext();

        ApiKey key = new Start().provision(new DemoKeyProperties(true, "demo2", chosen));

        assertThat(chosen).contains(key.prefix());
        assertThat(new Start().tenantOf(chosen)).isEqualTo("demo2");
    }

    @Test
    void aRevokedEnvironmentKeyStaysRevokedAfterARestart() {
        String chosen = "revoked-demo-key-0987654321";
        var properties = new DemoKeyProperties(true, "demo3", chosen);
        Start start = new Start();
        ApiKey key = start.provision(properties);
        start.issuer.revoke(key.id()).block(LIMIT);

        ApiKey afterRestart = new Start().provision(properties);

        assertThat(afterRestart.revokedAt()).isNotNull();
    }

    @Test
    void withoutAnEnvironmentKeyOneIsGeneratedAndPrintedOnce() {
        database.addTenant("demo-generated", false);
        Start start = new Start();

        ApiKey key = start.provision(new DemoKeyProperties(true, "demo-generated", null));

        String printed = console.toString(StandardCharsets.UTF_8);
        Matcher matcher = Pattern.compile("Demo API key: (sk-sg-\\S+)").matcher(printed);
        assertThat(matcher.find()).isTrue();
        String secret = matcher.group(1);
        assertThat(matcher.find()).isFalse();
        assertThat(secret).contains(key.prefix());
        assertThat(start.tenantOf(secret)).isEqualTo("demo-generated");
    }

    @Test
    void doesNothingWhenDisabledOrWithoutADemoTenant() {
        database.addTenant("demo-off", false);

        assertThat(new Start().provision(new DemoKeyProperties(false, "demo-off", null))).isNull();
        assertThat(new Start().provision(new DemoKeyProperties(true, "no-such-tenant", null))).isNull();

        assertThat(repository.findByTenant("demo-off").collectList().block(LIMIT)).isEmpty();
        assertThat(console.size()).isZero();
    }
}
