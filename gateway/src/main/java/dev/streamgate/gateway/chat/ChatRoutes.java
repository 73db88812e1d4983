package dev.streamgate.gateway.chat;

import java.time.Clock;

import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.gateway.ratelimit.Admission;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The OpenAI-compatible inference routes. */
@Configuration(proxyBeanMethods = false)
class ChatRoutes {

    /** Served on Reactor Netty directly (see {@code web.DirectRoutes}): the route that carries the traffic. */
    @Bean
    ChatCompletionsRoute chatCompletionsRoute(Admission admission, DeploymentRouter router, SseResponder sse,
                                              JsonResponder json, ChatProperties properties, Clock clock) {
        return new ChatCompletionsRoute(admission, router, sse, json, properties, clock);
    }

    @Bean
    ModelsHandler modelsHandler(DeploymentRouter router) {
        return new ModelsHandler(router);
    }

    @Bean
    RouterFunction<ServerResponse> chatRouterFunction(ModelsHandler models) {
        return RouterFunctions.route()
                .GET("/v1/models", models::handle)
                .build();
    }
}
