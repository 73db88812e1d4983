package dev.streamgate.gateway.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Web filters for handler tests that run without the application's auth filter and error handler: one sets the
 * caller as the auth filter would, one renders {@link GatewayException}s as OpenAI-style error JSON with their status.
 */
public final class TestWebFilters {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestWebFilters() {
    }

    /** Puts {@code principal} where the auth filter puts it: the exchange attributes and the Reactor context. */
    public static WebFilter caller(Principal principal) {
        return (exchange, chain) -> {
            exchange.getAttributes().put(Principal.ATTRIBUTE, principal);
            return chain.filter(exchange).contextWrite(ctx -> ctx.put(Principal.class, principal));
        };
    }

    public static WebFilter gatewayErrors() {
        return (exchange, chain) -> chain.filter(exchange).onErrorResume(GatewayException.class, e -> {
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.valueOf(e.status()));
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", e.getMessage());
            error.put("type", e.type());
            error.put("param", e.param());
            error.put("code", e.code());
            byte[] body = JSON.writeValueAsString(Map.of("error", error)).getBytes(StandardCharsets.UTF_8);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        });
    }
}
