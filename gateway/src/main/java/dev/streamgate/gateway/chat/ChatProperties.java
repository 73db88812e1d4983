package dev.streamgate.gateway.chat;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code streamgate.chat.*}.
 *
 * @param heartbeatInterval SSE comment sent while the upstream is silent, so proxies and clients keep the
 *                          connection open (default 10 s)
 * @param defaultMaxTokens  completion tokens reserved at admission when the request sets no {@code max_tokens}
 */
@ConfigurationProperties("streamgate.chat")
public record ChatProperties(@DefaultValue("10s") Duration heartbeatInterval,
                             @DefaultValue("4096") int defaultMaxTokens) {
}
