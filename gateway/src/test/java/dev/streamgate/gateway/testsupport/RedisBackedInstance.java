package dev.streamgate.gateway.testsupport;

import java.util.ArrayList;
import java.util.List;

import dev.streamgate.gateway.GatewayApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One gateway instance of a cluster under test: the application on a free port, sharing a PostgreSQL database and
 * a Redis key prefix with its peers, with an admin key, no demo tenant and no built-in deployments. Each test adds
 * its own deployments and timeouts.
 */
public final class RedisBackedInstance {
    private RedisBackedInstance() {
    }

    public static ConfigurableApplicationContext start(TestPostgres.Database db, String redisPrefix, String adminKey,
                                                       String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--streamgate.database.url=" + db.jdbcUrl(),
                "--streamgate.database.username=" + db.user(),
                "--streamgate.ratelimit.backend=redis",
                "--streamgate.ratelimit.key-prefix=" + redisPrefix,
                "--streamgate.redis.url=" + TestRedis.address(),
                "--streamgate.auth.admin-key=" + adminKey,
                "--streamgate.demo.enabled=false",
                "--streamgate.builtin-deployments.enabled=false"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(GatewayApplication.class)
                .web(WebApplicationType.REACTIVE)
                .run(args.toArray(String[]::new));
    }

    public static String baseUrl(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
