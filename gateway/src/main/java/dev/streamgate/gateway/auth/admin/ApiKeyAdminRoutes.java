package dev.streamgate.gateway.auth.admin;

import java.time.Clock;
import java.util.List;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.auth.apikey.ApiKeyIssuer;
import dev.streamgate.gateway.error.GatewayException;
import org.springframework.core.codec.CodecException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The key part of the admin API:
 * <ul>
 *   <li>{@code POST /admin/v1/tenants/{tenantId}/keys} — issue; the only response that contains the secret</li>
 *   <li>{@code GET /admin/v1/tenants/{tenantId}/keys} — list, never with secrets or hashes</li>
 *   <li>{@code DELETE /admin/v1/keys/{keyId}} — revoke</li>
 * </ul>
 * The {@code AuthFilter} already requires the admin role on {@code /admin/**}; the handlers check it again so that
 * a mistake in the filter's configuration cannot open them.
 */
public final class ApiKeyAdminRoutes {
    /** A page of keys, shaped like OpenAI's list responses. */
    public record KeyList(String object, List<ApiKeyView> data) {
    }

    private final ApiKeyIssuer issuer;
    private final Clock clock;

    public ApiKeyAdminRoutes(ApiKeyIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .POST("/admin/v1/tenants/{tenantId}/keys", this::issue)
                .GET("/admin/v1/tenants/{tenantId}/keys", this::list)
                .DELETE("/admin/v1/keys/{keyId}", this::revoke)
                .build();
    }

    private Mono<ServerResponse> issue(ServerRequest request) {
        String tenantId = request.pathVariable("tenantId");
        return requireAdmin(request)
                .then(request.bodyToMono(IssueKeyRequest.class)
                        .onErrorMap(e -> e instanceof CodecException || e instanceof ServerWebInputException,
                                e -> GatewayException.invalidRequest(null, "invalid_json", "The body must be a JSON "
                                        + "object with optional name (string), scopes (array of strings) and "
                                        + "expires_at (Unix seconds or ISO-8601).")))
                .defaultIfEmpty(IssueKeyRequest.EMPTY)
                .flatMap(body -> issuer.issue(tenantId, body.name(), body.scopes(), body.expiry()))
                .flatMap(issued -> ServerResponse.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(ApiKeyView.of(issued, clock.instant())));
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        String tenantId = request.pathVariable("tenantId");
        return requireAdmin(request)
                .thenMany(Flux.defer(() -> issuer.list(tenantId)))
                .map(key -> ApiKeyView.of(key, clock.instant()))
                .collectList()
                .flatMap(keys -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new KeyList("list", keys)));
    }

    private Mono<ServerResponse> revoke(ServerRequest request) {
        return requireAdmin(request)
                .then(Mono.defer(() -> issuer.revoke(request.pathVariable("keyId"))))
                .flatMap(key -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(ApiKeyView.of(key, clock.instant())));
    }

    private static Mono<Void> requireAdmin(ServerRequest request) {
        return request.attribute(Principal.ATTRIBUTE)
                .filter(p -> p instanceof Principal principal && principal.isAdmin())
                .isPresent()
                ? Mono.empty()
                : Mono.error(GatewayException.forbidden("admin_required", "This endpoint requires the admin role."));
    }
}
