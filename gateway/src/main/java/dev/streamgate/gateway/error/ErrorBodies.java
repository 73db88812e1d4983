package dev.streamgate.gateway.error;

import org.springframework.stereotype.Component;

import dev.streamgate.streaming.openai.OpenAiErrorJson;

/** A gateway failure as OpenAI's error object, {@code {"error":{"message","type","param","code"}}}, in bytes. */
@Component
public final class ErrorBodies {

    public byte[] toJson(GatewayException e) {
        return OpenAiErrorJson.toBytes(e.getMessage(), e.type(), e.param(), e.code());
    }
}
