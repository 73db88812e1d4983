package dev.streamgate.gateway.web;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.RequestAuthentication;
import dev.streamgate.gateway.auth.RouteAccess;
import dev.streamgate.gateway.error.ErrorBodies;
import dev.streamgate.gateway.error.ErrorResponse;
import dev.streamgate.gateway.observability.DirectServerObservation;
import dev.streamgate.gateway.observability.TraceContextFilter;
import dev.streamgate.streaming.TraceParent;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Serves the {@link DirectRoute}s on Reactor Netty, ahead of Spring's web handler, which keeps every other request
 * (Spring Boot hands Reactor Netty these routes first and its own handler last). Per request, in this order: the
 * server observation (timer and span, continuing an incoming {@code traceparent}), the request's id, its
 * {@code x-request-id} and {@code traceparent} response headers, authentication at the path's
 * {@link RouteAccess} level, the body (at most {@code streamgate.http.max-request-body-size}, else 413), the
 * route's answer, and any failure before the first byte as OpenAI error JSON with its status, built where Spring's
 * error handler builds it ({@link ErrorResponse}).
 *
 * <p>Only exact matches of method and path come here; anything else, the same path with another method included,
 * goes on to Spring, whose route table knows the direct routes and answers 405 with {@code Allow}.
 */
public final class DirectRoutes implements NettyRouteProvider {
    private final List<Served> routes;
    private final RequestAuthentication authentication;
    private final RequestIds ids;
    private final ErrorBodies bodies;
    private final ObservationRegistry observations;
    private final RandomGenerator random;
    private final int maxBodyBytes;

    /** A route and what its path is fixed to, worked out once. */
    private record Served(DirectRoute route, io.netty.handler.codec.http.HttpMethod method,
                          RouteAccess.Level level) {
    }

    public DirectRoutes(List<DirectRoute> routes, RouteAccess access, RequestAuthentication authentication,
                        RequestIds ids, ErrorBodies bodies, ObservationRegistry observations, RandomGenerator random,
                        HttpProperties http) {
        this.routes = routes.stream().map(route -> new Served(route,
                io.netty.handler.codec.http.HttpMethod.valueOf(route.method().name()),
                access.levelOf(PathContainer.parsePath(route.path())))).toList();
        this.authentication = authentication;
        this.ids = ids;
        this.bodies = bodies;
        this.observations = observations;
        this.random = random;
        this.maxBodyBytes = (int) http.maxRequestBodySize().toBytes();
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes httpServerRoutes) {
        HttpServerRoutes result = httpServerRoutes;
        for (Served served : routes) {
            String path = served.route().path();
            result = result.route(request -> request.method().equals(served.method())
                    && path.equals(request.fullPath()), (request, response) -> serve(served, request, response));
        }
        return result;
    }

    private Mono<Void> serve(Served served, HttpServerRequest request, HttpServerResponse response) {
        DirectRoute route = served.route();
        DirectServerObservation observation = DirectServerObservation.start(request, route.path(), observations,
                random);
        TraceParent trace = observation.trace();
        String id = ids.next(route.idPrefix());
        response.header(RequestIds.HEADER, id).header(TraceContextFilter.HEADER, trace.header());
        Throwable[] failure = new Throwable[1];
        return principal(served, request, trace)
                .flatMap(principal -> body(request).flatMap(body ->
                        route.answer(new DirectRequest(id, trace, principal.orElse(null), body))))
                .flatMap(answer -> write(response, answer))
                .onErrorResume(error -> {
                    failure[0] = error;
                    return response.hasSentHeaders() ? Mono.error(error) : writeError(response, error, trace,
                            request.method().name() + " " + route.path());
                })
                .doFinally(signal -> observation.stop(response.hasSentHeaders() ? response.status().code() : 0,
                        failure[0], signal == SignalType.CANCEL));
    }

    private Mono<Optional<Principal>> principal(Served served, HttpServerRequest request, TraceParent trace) {
        if (served.level() == RouteAccess.Level.PUBLIC) {
            return Mono.just(Optional.empty());
        }
        return authentication.authenticate(served.level(),
                request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION), trace, request.method().name(),
                served.route().path()).map(Optional::of);
    }

    private Mono<byte[]> body(HttpServerRequest request) {
        BoundedBody body;
        try {
            body = new BoundedBody(maxBodyBytes,
                    contentLength(request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH)));
        } catch (RuntimeException tooLarge) {
            return Mono.error(tooLarge);
        }
        return request.receive().reduce(body, BoundedBody::append).map(BoundedBody::bytes);
    }

    private static long contentLength(String announced) {
        if (announced == null) {
            return -1;
        }
        try {
            return Long.parseLong(announced.trim());
        } catch (NumberFormatException e) {
            // Netty's decoder refuses a malformed Content-Length before any handler runs; read what comes
            return -1;
        }
    }

    private static Mono<Void> write(HttpServerResponse response, DirectAnswer answer) {
        return switch (answer) {
            case DirectAnswer.Whole whole -> {
                head(response, HttpResponseStatus.OK, whole.contentType(), whole.headers())
                        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(whole.body().length));
                yield response.sendByteArray(Mono.just(whole.body())).then();
            }
            case DirectAnswer.Streamed streamed -> streamed.body().switchOnFirst((first, frames) -> {
                if (!first.hasValue()) {
                    return frames.then(); // a failure before the first element: still answered with its status
                }
                head(response, HttpResponseStatus.OK, streamed.contentType(), streamed.headers());
                return response.sendByteArray(frames);
            }).then();
        };
    }

    private Mono<Void> writeError(HttpServerResponse response, Throwable error, TraceParent trace, String what) {
        ErrorResponse answer = ErrorResponse.of(error, bodies, trace, what);
        head(response, HttpResponseStatus.valueOf(answer.status()), HttpHeaderValues.APPLICATION_JSON.toString(),
                answer.headers()).header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.body().length));
        return response.sendByteArray(Mono.just(answer.body())).then();
    }

    private static HttpServerResponse head(HttpServerResponse response, HttpResponseStatus status,
                                           String contentType, Map<String, String> headers) {
        response.status(status).header(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.forEach(response::header);
        return response;
    }
}
