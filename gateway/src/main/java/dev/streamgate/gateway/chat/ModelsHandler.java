package dev.streamgate.gateway.chat;

import java.util.List;
import java.util.Map;

import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.gateway.auth.Principal;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code GET /v1/models}: the model aliases the caller's plan may use, in OpenAI's list format. */
public class ModelsHandler {
    private final DeploymentRouter router;

    ModelsHandler(DeploymentRouter router) {
        this.router = router;
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        Principal principal = request.exchange().getAttribute(Principal.ATTRIBUTE);
        List<Map<String, Object>> data = router.models().stream()
                .filter(model -> principal == null || principal.plan() == null || principal.plan().allows(model))
                .sorted()
                .map(model -> Map.<String, Object>of("id", model, "object", "model", "created", 0,
                        "owned_by", "streamgate"))
                .toList();
        return ServerResponse.ok().bodyValue(Map.of("object", "list", "data", data));
    }
}
