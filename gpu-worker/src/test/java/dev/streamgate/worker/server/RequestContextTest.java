package dev.streamgate.worker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** W3C Trace Context, section 3.2 (the traceparent header) and 4.3 (what to do with an invalid one). */
class RequestContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static RequestContext of(String traceparent, String requestId) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (traceparent != null) {
            headers.set("traceparent", traceparent);
        }
        if (requestId != null) {
            headers.set("X-Request-Id", requestId);
        }
        return RequestContext.of(headers, new SplittableRandom(7));
    }

    @Test
    void aValidTraceparentKeepsItsTraceIdAndFlagsUnderANewSpan() {
        RequestContext context = of("00-" + TRACE_ID + "-00f067aa0ba902b7-00", "req-1");

        assertThat(context.traceId()).isEqualTo(TRACE_ID);
        assertThat(context.flags()).isEqualTo("00");
        assertThat(context.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(context.traceparent()).isEqualTo("00-" + TRACE_ID + "-" + context.spanId() + "-00");
        assertThat(context.requestId()).isEqualTo("req-1");
    }

    @Test
    void aLaterVersionIsReadByItsVersionZeroPrefix() {
        assertThat(of("01-" + TRACE_ID + "-00f067aa0ba902b7-01-extra", null).traceId()).isEqualTo(TRACE_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    void anInvalidTraceparentStartsANewTrace(String traceparent) {
        RequestContext context = of(traceparent, null);

        assertThat(context.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID)
                .isNotEqualTo("00000000000000000000000000000000");
        assertThat(context.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\tinside"})
    void aMissingOrUnprintableRequestIdIsReplaced(String requestId) {
        assertThat(of(null, requestId).requestId()).matches("[0-9a-f]{32}");
        assertThat(of(null, null).requestId()).matches("[0-9a-f]{32}");
    }
}
