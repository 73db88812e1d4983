package dev.streamgate.gateway.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamgate.gateway.deployments.DeploymentRepository;
import dev.streamgate.gateway.deployments.PollingDeploymentCatalog;
import dev.streamgate.gateway.deployments.StoredDeployment;
import dev.streamgate.gateway.error.GatewayException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/v1/deployments}: register, list, get, update and delete model deployments with their prices. Those
 * defined in configuration are listed (with {@code "source":"config"}) but can only be changed there. Each change is
 * applied to this instance's catalog before the response; other instances follow within their poll interval.
 */
public final class DeploymentAdminHandler {
    private final DeploymentRepository deployments;
    private final PollingDeploymentCatalog catalog;

    public DeploymentAdminHandler(DeploymentRepository deployments, PollingDeploymentCatalog catalog) {
        this.deployments = deployments;
        this.catalog = catalog;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return JsonBodies.read(request, DeploymentJson.class)
                .map(DeploymentJson::toNew)
                .flatMap(d -> notConfigured(d.config().id())
                        .then(deployments.insert(d))
                        .onErrorMap(DuplicateKeyException.class, e -> GatewayException.conflict("id",
                                "deployment_exists", "A deployment with id '" + d.config().id() + "' already exists")))
                .flatMap(d -> applied().thenReturn(d))
                .flatMap(d -> ServerResponse.status(HttpStatus.CREATED).bodyValue(database(d)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        List<DeploymentJson> list = new ArrayList<>();
        catalog.configured().forEach(d -> list.add(DeploymentJson.of(d, true, DeploymentJson.SOURCE_CONFIG)));
        return deployments.findAll().map(DeploymentAdminHandler::database).collectList()
                .flatMap(stored -> {
                    list.addAll(stored);
                    return ServerResponse.ok().bodyValue(new ListJson<>(list));
                });
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        String id = request.pathVariable("id");
        if (catalog.isConfigured(id)) {
            return catalog.configured().stream().filter(d -> d.id().equals(id)).findFirst()
                    .map(d -> ServerResponse.ok().bodyValue(DeploymentJson.of(d, true, DeploymentJson.SOURCE_CONFIG)))
                    .orElseThrow();
        }
        return existing(id).flatMap(d -> ServerResponse.ok().bodyValue(database(d)));
    }

    public Mono<ServerResponse> update(ServerRequest request) {
        String id = request.pathVariable("id");
        return notConfigured(id)
                .then(JsonBodies.read(request, DeploymentJson.class))
                .zipWith(existing(id))
                .map(t -> t.getT1().over(t.getT2()))
                .flatMap(d -> deployments.update(d).switchIfEmpty(Mono.error(() -> notFound(id))))
                .flatMap(d -> applied().thenReturn(d))
                .flatMap(d -> ServerResponse.ok().bodyValue(database(d)));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String id = request.pathVariable("id");
        return notConfigured(id)
                .then(deployments.delete(id))
                .flatMap(deleted -> deleted ? applied() : Mono.error(notFound(id)))
                .then(ServerResponse.ok().bodyValue(Map.of("id", id, "object", "deployment", "deleted", true)));
    }

    /** The change is committed; if this refresh fails the next poll applies it, so the request still succeeds. */
    private Mono<Void> applied() {
        return catalog.refresh().onErrorComplete();
    }

    private Mono<Void> notConfigured(String id) {
        if (catalog.isConfigured(id)) {
            return Mono.error(GatewayException.conflict("id", "deployment_in_configuration", "Deployment '" + id
                    + "' is defined in the gateway's configuration and can only be changed there"));
        }
        return Mono.empty();
    }

    private Mono<StoredDeployment> existing(String id) {
        return deployments.find(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    private static DeploymentJson database(StoredDeployment d) {
        return DeploymentJson.of(d.config(), d.enabled(), DeploymentJson.SOURCE_DATABASE);
    }

    private static GatewayException notFound(String id) {
        return GatewayException.notFound("id", "deployment_not_found", "No deployment with id '" + id + "'");
    }
}
