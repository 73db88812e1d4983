package dev.streamgate.gateway.web;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** The HTTP rules every route shares. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /**
     * Every body a handler reads ({@code bodyToMono}, chat and admin alike) is buffered by the codecs, which stop
     * at this size with a {@code DataBufferLimitException} (mapped to 413). Ordered last so that it is the limit
     * that holds even if {@code spring.http.codecs.max-in-memory-size} is set too.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    CodecCustomizer requestBodyLimit(HttpProperties properties) {
        int limit = (int) properties.maxRequestBodySize().toBytes();
        return configurer -> configurer.defaultCodecs().maxInMemorySize(limit);
    }
}
