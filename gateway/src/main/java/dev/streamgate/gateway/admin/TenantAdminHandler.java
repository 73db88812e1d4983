package dev.streamgate.gateway.admin;

import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.Tenant;
import dev.streamgate.gateway.tenancy.CachedTenantDirectory;
import dev.streamgate.gateway.tenancy.TenantRepository;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/v1/tenants}: create, list (optionally {@code ?plan=}), get, update, disable and enable. Tenants are
 * never deleted: their usage records must stay attributable.
 */
public final class TenantAdminHandler {
    private final TenantRepository tenants;
    private final PlanRepository plans;
    private final CachedTenantDirectory directory;

    public TenantAdminHandler(TenantRepository tenants, PlanRepository plans, CachedTenantDirectory directory) {
        this.tenants = tenants;
        this.plans = plans;
        this.directory = directory;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return JsonBodies.read(request, TenantJson.class)
                .map(TenantJson::toNew)
                .flatMap(change -> planExists(change.planId())
                        .then(tenants.insert(change.id(), change.name(), change.planId(), change.disabled()))
                        // The plan may vanish between the check and the insert; the foreign key still catches it.
                        .onErrorMap(DataIntegrityViolationException.class, e -> e instanceof DuplicateKeyException
                                ? GatewayException.conflict("id", "tenant_exists",
                                        "A tenant with id '" + change.id() + "' already exists")
                                : unknownPlan(change.planId())))
                .doOnNext(tenant -> directory.invalidate(tenant.id()))
                .flatMap(tenant -> ServerResponse.status(HttpStatus.CREATED).bodyValue(TenantJson.of(tenant)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return tenants.findAll(request.queryParam("plan").orElse(null)).map(TenantJson::of).collectList()
                .flatMap(list -> ServerResponse.ok().bodyValue(new ListJson<>(list)));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return existing(request.pathVariable("id"))
                .flatMap(tenant -> ServerResponse.ok().bodyValue(TenantJson.of(tenant)));
    }

    public Mono<ServerResponse> update(ServerRequest request) {
        String id = request.pathVariable("id");
        return JsonBodies.read(request, TenantJson.class)
                .zipWith(existing(id))
                .map(t -> t.getT1().over(t.getT2()))
                .flatMap(this::save)
                .flatMap(tenant -> ServerResponse.ok().bodyValue(TenantJson.of(tenant)));
    }

    public Mono<ServerResponse> disable(ServerRequest request) {
        return setDisabled(request.pathVariable("id"), true);
    }

    public Mono<ServerResponse> enable(ServerRequest request) {
        return setDisabled(request.pathVariable("id"), false);
    }

    private Mono<ServerResponse> setDisabled(String id, boolean disabled) {
        return existing(id)
                .map(t -> new TenantJson.Change(t.id(), t.name(), t.plan().id(), disabled))
                .flatMap(this::save)
                .flatMap(tenant -> ServerResponse.ok().bodyValue(TenantJson.of(tenant)));
    }

    private Mono<Tenant> save(TenantJson.Change change) {
        return planExists(change.planId())
                .then(tenants.update(change.id(), change.name(), change.planId(), change.disabled()))
                .onErrorMap(DataIntegrityViolationException.class, e -> unknownPlan(change.planId()))
                .switchIfEmpty(Mono.error(() -> notFound(change.id())))
                .doOnNext(tenant -> directory.invalidate(tenant.id()));
    }

    private Mono<Void> planExists(String planId) {
        return plans.find(planId).switchIfEmpty(Mono.error(() -> unknownPlan(planId))).then();
    }

    private Mono<Tenant> existing(String id) {
        return tenants.find(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    private static GatewayException unknownPlan(String planId) {
        return GatewayException.invalidRequest("plan", "unknown_plan", "No plan with id '" + planId + "'");
    }

    private static GatewayException notFound(String id) {
        return GatewayException.notFound("id", "tenant_not_found", "No tenant with id '" + id + "'");
    }
}
