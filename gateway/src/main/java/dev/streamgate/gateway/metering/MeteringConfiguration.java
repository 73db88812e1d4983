package dev.streamgate.gateway.metering;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@link UsageSink} the request path records into. It depends on the {@link DatabaseClient}, so on shutdown it
 * is flushed and destroyed before the pool and the embedded database go away.
 */
@Configuration(proxyBeanMethods = false)
public class MeteringConfiguration {

    @Bean
    public UsageRecordWriter usageRecordWriter(DatabaseClient db) {
        return new UsageRecordWriter(db);
    }

    @Bean
    public BatchingUsageSink usageSink(UsageRecordWriter writer, MeteringProperties properties,
                                       MeterRegistry registry) {
        return new BatchingUsageSink(writer, properties, registry);
    }
}
