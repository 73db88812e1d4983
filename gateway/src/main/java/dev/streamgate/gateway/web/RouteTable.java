package dev.streamgate.gateway.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Which methods each routed path takes, read from the functional routes themselves, so that a request with the
 * wrong method gets 405 and an {@code Allow} header (RFC 9110 §15.5.6) instead of a 404, and no list of routes
 * has to be kept in step by hand.
 */
public final class RouteTable {
    private final List<Route> routes;

    private record Route(PathPattern pattern, Set<HttpMethod> methods) {
    }

    private RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static RouteTable of(Collection<? extends RouterFunction<?>> functions) {
        return of(functions, List.of());
    }

    /** The functional routes and the direct routes (served on Reactor Netty, see {@link DirectRoutes}). */
    public static RouteTable of(Collection<? extends RouterFunction<?>> functions,
                                Collection<? extends DirectRoute> direct) {
        Collector collector = new Collector();
        functions.forEach(function -> function.accept(collector));
        List<Route> routes = new ArrayList<>(collector.routes);
        direct.forEach(route -> routes.add(new Route(PathPatternParser.defaultInstance.parse(route.path()),
                Set.of(route.method()))));
        return new RouteTable(routes);
    }

    /** The methods some route takes at this path, in a stable order; empty when no route has the path. */
    public Set<String> methodsAt(PathContainer path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.pattern.matches(path)) {
                route.methods.forEach(method -> methods.add(method.name()));
            }
        }
        return methods;
    }

    /**
     * Walks routes and their predicates: a route's paths (under the prefixes of the nests it is in) and methods.
     * A route without a method predicate takes any method and is left out, since no 405 can follow from it.
     */
    private static final class Collector implements RouterFunctions.Visitor, RequestPredicates.Visitor {
        private final List<Route> routes = new ArrayList<>();
        private final Deque<String> prefixes = new ArrayDeque<>();
        private List<String> paths = new ArrayList<>();
        private Set<HttpMethod> methods = new LinkedHashSet<>();

        @Override
        public void startNested(RequestPredicate predicate) {
            collect(predicate);
            prefixes.push(prefix() + (paths.isEmpty() ? "" : paths.getFirst()));
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            collect(predicate);
            if (methods.isEmpty()) {
                return;
            }
            for (String path : paths.isEmpty() ? List.of("") : paths) {
                String full = prefix() + path;
                if (!full.isEmpty()) {
                    routes.add(new Route(PathPatternParser.defaultInstance.parse(full), Set.copyOf(methods)));
                }
            }
        }

        private void collect(RequestPredicate predicate) {
            paths = new ArrayList<>();
            methods = new LinkedHashSet<>();
            predicate.accept(this);
        }

        private String prefix() {
            return prefixes.isEmpty() ? "" : prefixes.peek();
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }

        @Override
        public void method(Set<HttpMethod> httpMethods) {
            methods.addAll(httpMethods);
        }

        @Override
        public void path(String pattern) {
            paths.add(pattern);
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void version(String version) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
