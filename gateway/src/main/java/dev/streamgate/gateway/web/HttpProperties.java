package dev.streamgate.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code streamgate.http.*}: limits on what a request may carry.
 *
 * @param maxRequestBodySize the largest request body read, on every route (chat and admin): one byte more is a
 *                           413 {@code request_body_too_large}. The default, 16 MiB, fits the largest contexts
 *                           served (a 128k-token prompt is about 0.5 MiB of text; a 10,000-message conversation or
 *                           a few base64 images reach several MiB), while bounding what one request can make the
 *                           gateway buffer in memory. Spring's own default, 256 KiB, cuts long prompts off.
 */
@ConfigurationProperties("streamgate.http")
public record HttpProperties(@DefaultValue("16MB") DataSize maxRequestBodySize) {
    public HttpProperties {
        if (maxRequestBodySize.toBytes() < 1 || maxRequestBodySize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("streamgate.http.max-request-body-size must be between 1 byte and "
                    + "2 GiB, was " + maxRequestBodySize);
        }
    }
}
