package dev.streamgate.gateway.chat;

import java.time.Clock;

import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.gateway.ratelimit.Admission;
import dev.streamgate.gateway.web.HttpProperties;
import dev.streamgate.gateway.web.RequestIds;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The OpenAI-compatible inference routes. */
@Configuration(proxyBeanMethods = false)
class ChatRoutes {

    @Bean
    ChatCompletionsHandler chatCompletionsHandler(Admission admission, DeploymentRouter router, SseResponder sse,
                                                  JsonResponder json, ChatProperties properties, Clock clock,
                                                  RequestIds ids, HttpProperties http) {
        return new ChatCompletionsHandler(admission, router, sse, json, properties, ids, clock, http);
    }

    @Bean
    ModelsHandler modelsHandler(DeploymentRouter router) {
        return new ModelsHandler(router);
    }

    @Bean
    RouterFunction<ServerResponse> chatRouterFunction(ChatCompletionsHandler chat, ModelsHandler models) {
        return RouterFunctions.route()
                .POST("/v1/chat/completions", chat::handle)
                .GET("/v1/models", models::handle)
                .build();
    }
}
