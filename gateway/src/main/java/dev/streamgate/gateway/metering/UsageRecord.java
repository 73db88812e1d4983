package dev.streamgate.gateway.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * What one request used, for billing. Exactly one per {@code requestId}, whatever the outcome.
 *
 * @param deploymentId  the deployment that served it, or null when none was reached
 * @param estimated     true when the token counts are the gateway's own count or estimate
 * @param finishReason  OpenAI's finish reason, or null when the stream did not finish normally
 * @param timeToFirstToken null when no token was produced
 */
public record UsageRecord(String requestId, String tenantId, String keyId, String model, String deploymentId,
                          int promptTokens, int completionTokens, boolean estimated, BigDecimal cost,
                          Status status, String finishReason, Duration timeToFirstToken, Duration duration,
                          Instant createdAt) {

    public enum Status { COMPLETED, CANCELLED, FAILED }
}
