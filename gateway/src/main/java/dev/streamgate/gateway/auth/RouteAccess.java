package dev.streamgate.gateway.auth;

import java.util.List;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What a path requires. Paths are matched with the same {@link PathPattern} rules the router uses (segment values
 * decoded, matrix parameters ignored), so {@code /v1;x/chat/completions} cannot slip past as something else.
 * Everything that is not explicitly public needs credentials; a path with a {@code .} or {@code ..} segment is
 * never public.
 */
public final class RouteAccess {
    /** The levels, from open to strict. */
    public enum Level {
        /** No credentials needed. */
        PUBLIC,
        /** Any authenticated principal. */
        AUTHENTICATED,
        /** A principal bound to a tenant ({@code /v1/**}). */
        TENANT,
        /** A principal with the {@code admin} role ({@code /admin/**} and non-public actuator endpoints). */
        ADMIN
    }

    public static final List<String> DEFAULT_PUBLIC_PATHS =
            List.of("/health", "/actuator/health/**", "/actuator/prometheus");

    private static final List<PathPattern> TENANT = parse(List.of("/v1/**"));
    private static final List<PathPattern> ADMIN = parse(List.of("/admin/**", "/actuator/**"));

    private final List<PathPattern> publicPaths;

    public RouteAccess(List<String> publicPaths) {
        this.publicPaths = parse(publicPaths);
    }

    public Level levelOf(PathContainer path) {
        if (!hasDotSegment(path) && matchesAny(publicPaths, path)) {
            return Level.PUBLIC;
        }
        if (matchesAny(TENANT, path)) {
            return Level.TENANT;
        }
        if (matchesAny(ADMIN, path)) {
            return Level.ADMIN;
        }
        return Level.AUTHENTICATED;
    }

    private static boolean matchesAny(List<PathPattern> patterns, PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDotSegment(PathContainer path) {
        for (PathContainer.Element element : path.elements()) {
            if (element instanceof PathContainer.PathSegment segment
                    && (segment.valueToMatch().equals(".") || segment.valueToMatch().equals(".."))) {
                return true;
            }
        }
        return false;
    }

    private static List<PathPattern> parse(List<String> patterns) {
        return patterns.stream().map(PathPatternParser.defaultInstance::parse).toList();
    }
}
