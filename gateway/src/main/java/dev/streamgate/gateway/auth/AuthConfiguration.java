package dev.streamgate.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.streamgate.gateway.auth.admin.ApiKeyAdminRoutes;
import dev.streamgate.gateway.auth.apikey.ApiKeyAuthenticator;
import dev.streamgate.gateway.auth.apikey.ApiKeyIssuer;
import dev.streamgate.gateway.auth.apikey.ApiKeyRepository;
import dev.streamgate.gateway.auth.demo.DemoKeyProperties;
import dev.streamgate.gateway.auth.demo.DemoKeyProvisioner;
import dev.streamgate.gateway.auth.demo.DemoKeyStartup;
import dev.streamgate.gateway.auth.jwt.ConfiguredJwkSetSource;
import dev.streamgate.gateway.auth.jwt.JwkSetSource;
import dev.streamgate.gateway.auth.jwt.JwtAuthenticator;
import dev.streamgate.gateway.auth.jwt.JwtSettings;
import dev.streamgate.gateway.auth.jwt.RemoteJwkSetSource;
import dev.streamgate.gateway.tenancy.TenantDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Wires authentication: API keys (R2DBC + cache), JWT (when {@code streamgate.auth.jwt.issuer} is set), the
 * bootstrap admin key, the {@link AuthFilter}, the key admin routes and the demo key. Needs a
 * {@link DatabaseClient}, a {@link TenantDirectory} and a {@link MeterRegistry}; uses the application's
 * {@link Clock} bean when there is exactly one, the system clock otherwise.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthProperties.class, DemoKeyProperties.class})
public class AuthConfiguration {

    @Bean
    TenantResolver authTenantResolver(TenantDirectory tenants, AuthProperties properties) {
        return new TenantResolver(tenants);
    }

    @Bean
    ApiKeyRepository apiKeyRepository(DatabaseClient db) {
        return new ApiKeyRepository(db);
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(ApiKeyRepository repository, TenantResolver authTenantResolver,
                                            AuthProperties properties, ObjectProvider<Clock> clock) {
        return new ApiKeyAuthenticator(repository, authTenantResolver, properties.cache(), Ticker.systemTicker(),
                clock(clock));
    }

    @Bean
    ApiKeyIssuer apiKeyIssuer(ApiKeyRepository repository, TenantDirectory tenants,
                              ApiKeyAuthenticator authenticator, ObjectProvider<Clock> clock, SecureRandom random) {
        return new ApiKeyIssuer(repository, tenants, authenticator, clock(clock), random);
    }

    @Bean
    BearerAuthenticator bearerAuthenticator(ApiKeyAuthenticator apiKeys, TenantResolver authTenantResolver,
                                            AuthProperties properties, ObjectProvider<Clock> clock) {
        JwtSettings jwt = properties.jwt();
        JwtAuthenticator jwts = jwt.enabled()
                ? new JwtAuthenticator(jwt, keySource(jwt, clock(clock)), authTenantResolver, clock(clock))
                : null;
        return new BearerAuthenticator(apiKeys, jwts, properties.adminKey());
    }

    @Bean
    RequestAuthentication requestAuthentication(BearerAuthenticator authenticator, MeterRegistry meters) {
        return new RequestAuthentication(authenticator, meters);
    }

    @Bean
    RouteAccess routeAccess(AuthProperties properties) {
        return new RouteAccess(properties.publicPaths());
    }

    @Bean
    AuthFilter authFilter(RequestAuthentication authentication, RouteAccess routeAccess) {
        return new AuthFilter(authentication, routeAccess);
    }

    @Bean
    RouterFunction<ServerResponse> apiKeyAdminRoutes(ApiKeyIssuer issuer, ObjectProvider<Clock> clock) {
        return new ApiKeyAdminRoutes(issuer, clock(clock)).routes();
    }

    @Bean
    DemoKeyProvisioner demoKeyProvisioner(DemoKeyProperties properties, TenantDirectory tenants,
                                          ApiKeyIssuer issuer) {
        return new DemoKeyProvisioner(properties, tenants, issuer, System.out);
    }

    @Bean
    DemoKeyStartup demoKeyStartup(DemoKeyProvisioner provisioner) {
        return new DemoKeyStartup(provisioner);
    }

    private static JwkSetSource keySource(JwtSettings jwt, Clock clock) {
        if (jwt.jwksUrl() != null) {
            return RemoteJwkSetSource.of(jwt, clock);
        }
        return jwt.jwks() != null && !jwt.jwks().isBlank()
                ? ConfiguredJwkSetSource.fromJwks(jwt.jwks())
                : ConfiguredJwkSetSource.fromPem(jwt.publicKeys());
    }

    private static Clock clock(ObjectProvider<Clock> clock) {
        return clock.getIfUnique(Clock::systemUTC);
    }
}
