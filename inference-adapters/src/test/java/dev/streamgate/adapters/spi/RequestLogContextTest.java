package dev.streamgate.adapters.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamgate.streaming.TraceParent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class RequestLogContextTest {
    private static final TraceParent TRACE =
            new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsTheTraceForTheBlockOnly() {
        try (var ignored = RequestLogContext.open(TRACE)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE.traceId());
            assertThat(MDC.get("spanId")).isEqualTo(TRACE.spanId());
        }
        assertThat(MDC.get("traceId")).isNull();
        assertThat(MDC.get("spanId")).isNull();
    }

    @Test
    void restoresTheTraceThatWasThereBefore() {
        MDC.put("traceId", "outer-trace");
        MDC.put("spanId", "outer-span");
        try (var ignored = RequestLogContext.open(TRACE)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE.traceId());
        }
        assertThat(MDC.get("traceId")).isEqualTo("outer-trace");
        assertThat(MDC.get("spanId")).isEqualTo("outer-span");
    }

    @Test
    void anUntracedRequestLeavesTheMdcAlone() {
        MDC.put("traceId", "outer-trace");
        try (var ignored = RequestLogContext.open(null)) {
            assertThat(MDC.get("traceId")).isEqualTo("outer-trace");
        }
        assertThat(MDC.get("traceId")).isEqualTo("outer-trace");
    }
}
