package dev.streamgate.gateway.web;

import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/**
 * An endpoint served on Reactor Netty directly, past Spring's web layer (see {@link DirectRoutes}): for the
 * routes that carry the traffic, where the exchange, the filter chain, the handler mapping and the response
 * writer of WebFlux cost more than the work of the request. The edge still gives each request what every other
 * route gets: an id, its trace, the server observation, authentication at the path's level, the body-size limit
 * and errors as OpenAI error JSON. The route itself sees none of this, only a {@link DirectRequest}.
 */
public interface DirectRoute {

    HttpMethod method();

    /** The exact path, without a query. */
    String path();

    /** The prefix of this route's request ids (see {@link RequestIds}). */
    default String idPrefix() {
        return RequestIds.OTHER_PREFIX;
    }

    /**
     * The answer to an authenticated request whose whole body has been read. A failure, signalled or thrown, is
     * answered as Spring's error handler answers it (see {@code ErrorClassifier}).
     */
    Mono<DirectAnswer> answer(DirectRequest request);
}
