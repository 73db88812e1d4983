package dev.streamgate.gateway.usage;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The usage API's route. */
@Configuration(proxyBeanMethods = false)
public class UsageConfiguration {

    @Bean
    public UsageHandler usageHandler(DatabaseClient db, ObjectProvider<Clock> clock) {
        return new UsageHandler(new UsageRepository(db), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    public RouterFunction<ServerResponse> usageRoutes(UsageHandler handler) {
        return routes(handler);
    }

    public static RouterFunction<ServerResponse> routes(UsageHandler handler) {
        return RouterFunctions.route().GET("/v1/usage", handler::usage).build();
    }
}
