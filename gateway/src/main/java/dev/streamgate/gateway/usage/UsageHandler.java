package dev.streamgate.gateway.usage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.gateway.error.GatewayException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage?start=YYYY-MM-DD&end=YYYY-MM-DD}: the caller's own tenant only, whatever the query says. Both
 * days are included and read as UTC; {@code end} defaults to today, {@code start} to {@code end}.
 */
public final class UsageHandler {
    /** The longest range one request may ask for. */
    static final long MAX_DAYS = 366;

    private final UsageRepository usage;
    private final Clock clock;

    public UsageHandler(UsageRepository usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    public Mono<ServerResponse> usage(ServerRequest request) {
        // Deferred so that a bad parameter becomes an error signal rather than an exception thrown at the caller.
        return Mono.defer(() -> query(request));
    }

    private Mono<ServerResponse> query(ServerRequest request) {
        if (!(request.attribute(Principal.ATTRIBUTE).orElse(null) instanceof Principal principal)) {
            return Mono.error(GatewayException.unauthenticated("missing_credentials", "Authentication required"));
        }
        LocalDate end = date(request, "end").orElseGet(() -> LocalDate.now(clock));
        LocalDate start = date(request, "start").orElse(end);
        if (start.isAfter(end)) {
            throw GatewayException.invalidRequest("start", "invalid_date_range",
                    "start (" + start + ") must not be after end (" + end + ")");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw GatewayException.invalidRequest("end", "invalid_date_range",
                    "A usage query may span at most " + MAX_DAYS + " days");
        }
        return usage.daily(principal.tenantId(), start, end)
                .map(UsageHandler::line)
                .collectList()
                .flatMap(lines -> ServerResponse.ok().bodyValue(new UsagePage(lines)));
    }

    private static Optional<LocalDate> date(ServerRequest request, String param) {
        Optional<String> value = request.queryParam(param);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.get()));
        } catch (DateTimeParseException e) {
            throw GatewayException.invalidRequest(param, "invalid_date",
                    param + " must be a date written YYYY-MM-DD, was '" + value.get() + "'");
        }
    }

    private static UsageLine line(DailyUsage u) {
        return new UsageLine(u.date().toString(), u.model(), u.requests(), u.promptTokens(), u.completionTokens(),
                plain(u.cost()));
    }

    /** The cost without trailing zeros and never in exponent form: {@code 0.0012}, {@code 0}. */
    static String plain(BigDecimal cost) {
        return cost.signum() == 0 ? "0" : cost.stripTrailingZeros().toPlainString();
    }

    /** OpenAI's list envelope. */
    public record UsagePage(String object, List<UsageLine> data) {
        UsagePage(List<UsageLine> data) {
            this("list", data);
        }
    }

    /** The cost is a string so that no client parses it into a binary float. */
    public record UsageLine(String date, String model, long requests,
                            @JsonProperty("prompt_tokens") long promptTokens,
                            @JsonProperty("completion_tokens") long completionTokens,
                            String cost) {
    }
}
