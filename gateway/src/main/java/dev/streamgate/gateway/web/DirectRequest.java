package dev.streamgate.gateway.web;

import dev.streamgate.gateway.auth.Principal;
import dev.streamgate.streaming.TraceParent;

/**
 * A request as a {@link DirectRoute} receives it.
 *
 * @param id        the request's id, sent as {@code x-request-id}
 * @param trace     the request's trace, sent as {@code traceparent}
 * @param principal the authenticated caller, null on a public path
 * @param body      the whole body, at most {@code streamgate.http.max-request-body-size}; empty when there is none
 */
public record DirectRequest(String id, TraceParent trace, Principal principal, byte[] body) {
}
