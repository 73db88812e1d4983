package dev.streamgate.gateway.chat;

import java.time.Clock;

import dev.streamgate.adapters.DeploymentRouter;
import dev.streamgate.adapters.RoutedStream;
import dev.streamgate.adapters.spi.InferenceRequest;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import dev.streamgate.gateway.observability.TraceContextFilter;
import dev.streamgate.gateway.ratelimit.Admission;
import dev.streamgate.gateway.web.HttpProperties;
import dev.streamgate.gateway.web.RequestIds;
import dev.streamgate.streaming.TokenEstimator;
import dev.streamgate.streaming.TraceParent;
import dev.streamgate.streaming.openai.ChatCompletionRequest;
import dev.streamgate.streaming.openai.ChatRequestParser;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}: parse and validate, check the model against the caller's plan, admit
 * against rate limits (reserving the prompt estimate plus the completion budget), route, then answer as SSE or
 * JSON. Metering and the release of the admission grant are tied to the response stream's end.
 */
public class ChatCompletionsHandler {
    private final ChatRequestParser parser = new ChatRequestParser();
    private final Admission admission;
    private final DeploymentRouter router;
    private final SseResponder sse;
    private final JsonResponder json;
    private final ChatProperties properties;
    private final RequestIds ids;
    private final Clock clock;
    private final int maxBodyBytes;

    ChatCompletionsHandler(Admission admission, DeploymentRouter router, SseResponder sse, JsonResponder json,
                           ChatProperties properties, RequestIds ids, Clock clock, HttpProperties http) {
        this.maxBodyBytes = (int) http.maxRequestBodySize().toBytes();
        this.admission = admission;
        this.router = router;
        this.sse = sse;
        this.json = json;
        this.properties = properties;
        this.ids = ids;
        this.clock = clock;
    }

    public Mono<ServerResponse> handle(ServerRequest request) {
        Principal principal = request.exchange().getAttribute(Principal.ATTRIBUTE);
        if (principal == null || principal.tenantId() == null || principal.plan() == null) {
            return Mono.error(GatewayException.forbidden("tenant_required",
                    "Chat completions need a tenant's API key or token."));
        }
        return body(request)
                .switchIfEmpty(Mono.error(() -> GatewayException.invalidRequest(null, "invalid_json",
                        "The request body is empty; send a JSON chat completion request.")))
                .map(parser::parse)
                .flatMap(chat -> admit(principal, chat, ids.assign(request.exchange()),
                        TraceContextFilter.of(request.exchange())))
                .flatMap(call -> call.chat().stream() ? sse.respond(call) : json.respond(call));
    }

    /**
     * The whole body, at most {@code streamgate.http.max-request-body-size} (past it a
     * {@code DataBufferLimitException}, answered 413): joined straight from the request, where
     * {@code bodyToMono(byte[].class)} looked a reader up among the codecs and parsed the content type each time.
     */
    private Mono<byte[]> body(ServerRequest request) {
        return DataBufferUtils.join(request.exchange().getRequest().getBody(), maxBodyBytes).map(joined -> {
            try {
                byte[] bytes = new byte[joined.readableByteCount()];
                joined.read(bytes);
                return bytes;
            } finally {
                DataBufferUtils.release(joined);
            }
        });
    }

    /** @param id the exchange's request id (see {@link RequestIds}): the completion's id and usage key */
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
