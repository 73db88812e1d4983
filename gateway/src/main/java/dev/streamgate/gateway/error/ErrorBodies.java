package dev.streamgate.gateway.error;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/** OpenAI's error object, {@code {"error":{"message","type","param","code"}}}, as bytes. */
@org.springframework.stereotype.Component
public final class ErrorBodies {
    private final JsonMapper json;

    public ErrorBodies(JsonMapper json) {
        this.json = json;
    }

    public byte[] toJson(GatewayException e) {
        var out = new java.io.ByteArrayOutputStream(160);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeName("error");
            g.writeStartObject();
            g.writeStringProperty("message", e.getMessage());
            g.writeStringProperty("type", e.type());
            g.writeStringProperty("param", e.param());
            g.writeStringProperty("code", e.code());
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
