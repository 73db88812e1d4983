/** {@code /v1/chat/completions} and {@code /v1/models}: from an admitted request to SSE or JSON, metered. */
package dev.streamgate.gateway.chat;
