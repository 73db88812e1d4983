package dev.streamgate.gateway.web;

import java.security.SecureRandom;
import java.util.List;

import dev.streamgate.gateway.auth.RequestAuthentication;
import dev.streamgate.gateway.auth.RouteAccess;
import dev.streamgate.gateway.error.ErrorBodies;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelPipeline;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.server.RouterFunction;
import reactor.netty.NettyPipeline;

/** The HTTP rules every route shares. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /**
     * Every body a handler reads ({@code bodyToMono}, chat and admin alike) is buffered by the codecs, which stop
     * at this size with a {@code DataBufferLimitException} (mapped to 413). Ordered last so that it is the limit
     * that holds even if {@code spring.http.codecs.max-in-memory-size} is set too.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    CodecCustomizer requestBodyLimit(HttpProperties properties) {
        int limit = (int) properties.maxRequestBodySize().toBytes();
        return configurer -> configurer.defaultCodecs().maxInMemorySize(limit);
    }

    /**
     * Puts {@link OversizedHeadResponder} right after Reactor Netty's HTTP codec, where a request head refused
     * for its size ({@code server.max-http-request-header-size}, default 8 KB) shows up as a failed decode.
     */
    @Bean
    NettyServerCustomizer oversizedHeadResponses(ErrorBodies bodies) {
        OversizedHeadResponder responder = new OversizedHeadResponder(bodies);
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, OversizedHeadResponder.NAME, responder);
            }
        });
    }

    /** Request ids from the one seeded DRBG (see GatewayConfiguration), so they are unguessable and cheap. */
    @Bean
    RequestIds requestIds(SecureRandom random) {
        return new RequestIds(random);
    }

    @Bean
    RequestIdFilter requestIdFilter(RequestIds ids) {
        return new RequestIdFilter(ids);
    }

    /**
     * The direct routes, served on Reactor Netty ahead of Spring's web handler; Spring Boot hands every
     * {@link NettyRouteProvider} bean to its Netty server.
     */
    @Bean
    DirectRoutes directRoutes(List<DirectRoute> routes, RouteAccess access, RequestAuthentication authentication,
                              RequestIds ids, ErrorBodies bodies, ObjectProvider<ObservationRegistry> observations,
                              SecureRandom random, HttpProperties http) {
        return new DirectRoutes(routes, access, authentication, ids, bodies,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP), random, http);
    }

    /** Lazy: the route table is read from the router functions on first use, once every one of them exists. */
    @Bean
    UnmatchedRouteFilter unmatchedRouteFilter(ObjectProvider<RouterFunction<?>> routerFunctions,
                                              ObjectProvider<DirectRoute> directRoutes) {
        return new UnmatchedRouteFilter(routerFunctions, directRoutes);
    }
}
