package dev.streamgate.gateway.usage;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One tenant's use of one model on one UTC day. */
public record DailyUsage(LocalDate date, String model, long requests, long promptTokens, long completionTokens,
                         BigDecimal cost) {
}
