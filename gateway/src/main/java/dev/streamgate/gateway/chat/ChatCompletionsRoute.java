package dev.streamgate.gateway.chat;

import java.time.Clock;

import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.adapters.RoutedStream;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.ratelimit.Admission;
import dev.streamgate.gateway.web.DirectAnswer;
import dev.streamgate.gateway.web.DirectRequest;
import dev.streamgate.gateway.web.DirectRoute;
import dev.streamgate.gateway.web.RequestIds;
import dev.streamgate.streaming.TokenEstimator;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatRequestParser;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}, a direct route (the edge has authenticated the caller and read the body):
 * parse and validate, check the model against the caller's plan, admit against rate limits (reserving the prompt
 * estimate plus the completion budget), route, then answer as SSE or JSON. Metering and the release of the
 * admission grant are tied to the response stream's end.
 */
public class ChatCompletionsRoute implements DirectRoute {
    public static final String PATH = "/v1/chat/completions";

    private final ChatRequestParser parser = new ChatRequestParser();
    private final Admission admission;
    private final DeploymentRouter router;
    private final SseResponder sse;
    private final JsonResponder json;
    private final ChatProperties properties;
    private final Clock clock;

    ChatCompletionsRoute(Admission admission, DeploymentRouter router, SseResponder sse, JsonResponder json,
                         ChatProperties properties, Clock clock) {
        this.admission = admission;
        this.router = router;
        this.sse = sse;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.POST;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public String idPrefix() {
        return RequestIds.CHAT_PREFIX;
    }

    @Override
    public Mono<DirectAnswer> answer(DirectRequest request) {
        Principal principal = request.principal();
        if (principal == null || principal.tenantId() == null || principal.plan() == null) {
            return Mono.error(GatewayException.forbidden("tenant_required",
                    "Chat completions need a tenant's API key or token."));
        }
        if (request.body().length == 0) {
            return Mono.error(GatewayException.invalidRequest(null, "invalid_json",
                    "The request body is empty; send a JSON chat completion request."));
        }
        ChatCompletionRequest chat = parser.parse(request.body());
        return admit(principal, chat, request.id(), request.trace())
                .flatMap(call -> call.chat().stream() ? Mono.just(sse.respond(call)) : json.respond(call));
    }

    /** @param id the request's id (see {@link RequestIds}): the completion's id and usage key */
    private Mono<ChatCall> admit(Principal principal, ChatCompletionRequest chat, String id, TraceParent trace) {
        if (!router.serves(chat.model())) {
            return Mono.error(GatewayException.notFound("model", "model_not_found",
                    "The model `" + chat.model() + "` does not exist."));
        }
        if (!principal.plan().allows(chat.model())) {
            return Mono.error(GatewayException.forbidden("model_not_allowed",
                    "Your plan does not include the model `" + chat.model() + "`."));
        }
        router.requireAccepted(chat);
        int promptEstimate = TokenEstimator.promptTokens(chat);
        long completionBudget = chat.maxTokens() != null ? chat.maxTokens() : properties.defaultMaxTokens();
        return admission.admit(principal, promptEstimate + completionBudget).map(grant -> {
            var meter = new RequestMeter(id, principal, chat.model(), promptEstimate, clock);
            RoutedStream routed = router.route(new InferenceRequest(id, principal.tenantId(), chat, trace));
            return new ChatCall(id, clock.instant().getEpochSecond(), chat, grant, meter, routed, trace);
        });
    }
}
