package dev.streamgate.gateway.admin;

import dev.streamgate.config.Plan;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.CachedTenantDirectory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /admin/v1/plans}: create, list, get and update. A change reaches every tenant on the plan. */
public final class PlanAdminHandler {
    private final PlanRepository plans;
    private final CachedTenantDirectory directory;

    public PlanAdminHandler(PlanRepository plans, CachedTenantDirectory directory) {
        this.plans = plans;
        this.directory = directory;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return JsonBodies.read(request, PlanJson.class)
                .map(PlanJson::toPlan)
                .flatMap(plan -> plans.insert(plan)
                        .onErrorMap(DuplicateKeyException.class, e -> GatewayException.conflict("id", "plan_exists",
                                "A plan with id '" + plan.id() + "' already exists")))
                .flatMap(plan -> ServerResponse.status(HttpStatus.CREATED).bodyValue(PlanJson.of(plan)));
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return plans.findAll().map(PlanJson::of).collectList()
                .flatMap(list -> ServerResponse.ok().bodyValue(new ListJson<>(list)));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return existing(request.pathVariable("id"))
                .flatMap(plan -> ServerResponse.ok().bodyValue(PlanJson.of(plan)));
    }

    public Mono<ServerResponse> update(ServerRequest request) {
        String id = request.pathVariable("id");
        return JsonBodies.read(request, PlanJson.class)
                .zipWith(existing(id))
                .map(t -> t.getT1().over(t.getT2()))
                .flatMap(plan -> plans.update(plan).switchIfEmpty(Mono.error(() -> notFound(id))))
                .doOnNext(plan -> directory.invalidateAll())
                .flatMap(plan -> ServerResponse.ok().bodyValue(PlanJson.of(plan)));
    }

    private Mono<Plan> existing(String id) {
        return plans.find(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    private static GatewayException notFound(String id) {
        return GatewayException.notFound("id", "plan_not_found", "No plan with id '" + id + "'");
    }
}
