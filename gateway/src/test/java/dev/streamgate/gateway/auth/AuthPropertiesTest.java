package dev.streamgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import dev.streamgate.gateway.auth.demo.DemoKeyProperties;
import dev.streamgate.gateway.auth.jwt.JwtSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binding and validation of the auth settings, as Spring Boot binds them from properties. */
class AuthPropertiesTest {

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, type);
    }

    @Test
    void defaults() {
        AuthProperties auth = bind("streamgate.auth", AuthProperties.class, Map.of());

        assertThat(auth.adminKey()).isNull();
        assertThat(auth.cacheTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(auth.negativeCacheTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(auth.publicPaths()).isEqualTo(RouteAccess.DEFAULT_PUBLIC_PATHS);
        assertThat(auth.jwt().enabled()).isFalse();

        DemoKeyProperties demo = bind("streamgate.demo", DemoKeyProperties.class, Map.of());
        assertThat(demo.enabled()).isTrue();
        assertThat(demo.tenantId()).isEqualTo("demo");
        assertThat(demo.apiKey()).isNull();
    }

    @Test
    void bindsJwtSettingsWithDefaultsForWhatIsNotSet() {
        AuthProperties auth = bind("streamgate.auth", AuthProperties.class, Map.of(
                "streamgate.auth.admin-key", "an-admin-key-of-enough-length",
                "streamgate.auth.jwt.issuer", "https://idp.example.test/",
                "streamgate.auth.jwt.audiences[0]", "streamgate",
                "streamgate.auth.jwt.jwks-url", "https://idp.example.test/jwks.json",
                "streamgate.auth.jwt.algorithms", "ES256"));

        JwtSettings jwt = auth.jwt();
        assertThat(jwt.enabled()).isTrue();
        assertThat(jwt.jwksUrl()).isEqualTo(URI.create("https://idp.example.test/jwks.json"));
        assertThat(jwt.acceptedAlgorithms()).containsExactly(JWSAlgorithm.ES256);
        assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(jwt.tenantClaim()).isEqualTo("tenant_id");
        assertThat(jwt.rolesClaim()).isEqualTo("roles");
        assertThat(jwt.jwksMinRefetchInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(auth.toString()).doesNotContain("an-admin-key-of-enough-length");
    }

    @Test
    void refusesSettingsThatWouldWeakenAuthentication() {
        assertRefused(Map.of("streamgate.auth.cache-ttl", "5s"), "cache-ttl");
        assertRefused(Map.of("streamgate.auth.admin-key", "short"), "admin-key");
        var jwt = Map.of("streamgate.auth.jwt.issuer", "https://idp.example.test/",
                "streamgate.auth.jwt.audiences[0]", "streamgate",
                "streamgate.auth.jwt.jwks-url", "https://idp.example.test/jwks.json");
        assertRefused(with(jwt, "streamgate.auth.jwt.algorithms", "RS256,HS256"), "HS256");
        assertRefused(with(jwt, "streamgate.auth.jwt.algorithms", "none"), "none");
        assertRefused(with(jwt, "streamgate.auth.jwt.jwks", "{\"keys\":[]}"), "exactly one");
        assertRefused(Map.of("streamgate.auth.jwt.jwks-url", "https://idp.example.test/jwks.json"), "issuer");
        assertRefused(Map.of("streamgate.auth.jwt.issuer", "https://idp.example.test/",
                "streamgate.auth.jwt.jwks-url", "https://idp.example.test/jwks.json"), "audiences");

        assertThatThrownBy(() -> bind("streamgate.demo", DemoKeyProperties.class,
                Map.of("streamgate.demo.api-key", "too-short")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("STREAMGATE_DEMO_API_KEY (streamgate.demo.api-key) must be 20 to 512 visible "
                        + "ASCII characters without exactly two dots");
    }

    private static void assertRefused(Map<String, String> properties, String mentioned) {
        assertThatThrownBy(() -> bind("streamgate.auth", AuthProperties.class, properties))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining(mentioned);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        var copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void cacheSettingsFollowTheProperties() {
        AuthProperties auth = bind("streamgate.auth", AuthProperties.class,
                Map.of("streamgate.auth.cache-ttl", "1s", "streamgate.auth.negative-cache-ttl", "500ms"));

        assertThat(auth.cache().ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(auth.cache().negativeTtl()).isEqualTo(Duration.ofMillis(500));
        assertThat(List.of(auth.cache().maximumSize())).containsExactly(100_000L);
    }
}
