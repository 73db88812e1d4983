package dev.streamgate.adapters.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamgate.adapters.spi.UpstreamException;
import dev.streamgate.adapters.spi.UpstreamException.Kind;
import dev.streamgate.streaming.StreamEvent;
import dev.streamgate.streaming.openai.MalformedResponseException;
import dev.streamgate.streaming.sse.SseEventTooLargeException;
import org.junit.jupiter.api.Test;

class UpstreamFailuresTest {

    @Test
    void whatTheStreamingCodecsRefuseIsAProtocolError() {
        for (RuntimeException error : new RuntimeException[] {new MalformedResponseException("bad chunk"),
                new SseEventTooLargeException(16)}) {
            UpstreamException failure = UpstreamFailures.classify(error, "d1");

            assertThat(failure.kind()).isEqualTo(Kind.PROTOCOL);
            assertThat(failure.retryable()).isFalse();
            assertThat(failure.getMessage()).contains("d1").contains(error.getMessage());
            assertThat(failure.getCause()).isSameAs(error);
        }
    }

    @Test
    void anErrorReportedInTheStreamCountsAsItsStatus() {
        UpstreamException overloaded = UpstreamFailures.reported(
                new StreamEvent.StreamError(503, "server_error", "503", "overloaded"), "d1");
        UpstreamException refused = UpstreamFailures.reported(
                new StreamEvent.StreamError(400, "BadRequestError", "400", "context too long"), "d1");

        assertThat(overloaded.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(overloaded.status()).isEqualTo(503);
        assertThat(overloaded.retryable()).isTrue();
        assertThat(overloaded.getMessage()).isEqualTo("upstream d1 reported an error: overloaded");
        assertThat(refused.retryable()).isFalse();
    }

    @Test
    void aRunawayReportedMessageIsCut() {
        UpstreamException failure = UpstreamFailures.reported(
                new StreamEvent.StreamError(502, "upstream_error", null, "x".repeat(10_000)), "d1");

        assertThat(failure.getMessage()).hasSizeLessThan(600).endsWith("…");
    }

    @Test
    void midStreamFailuresKeepTheUpstreamsCodeWhereItGaveOne() {
        UpstreamException failure = UpstreamFailures.reported(
                new StreamEvent.StreamError(400, "invalid_request_error", "context_length_exceeded", "too long"), "d1");

        assertThat(UpstreamFailures.toStreamError(failure, "context_length_exceeded")).isEqualTo(
                new StreamEvent.StreamError(502, "upstream_error", "context_length_exceeded",
                        "upstream d1 reported an error: too long"));
        assertThat(UpstreamFailures.toStreamError(failure).code()).isEqualTo("http_status");
    }
}
