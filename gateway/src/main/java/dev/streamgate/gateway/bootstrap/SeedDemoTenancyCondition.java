package dev.streamgate.gateway.bootstrap;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code streamgate.bootstrap.seed-demo-tenant} when set; otherwise seed only the embedded default (no
 * {@code streamgate.database.url}), so that a production database does not grow a demo tenant unasked.
 */
final class SeedDemoTenancyCondition implements Condition {
    static final String PROPERTY = "streamgate.bootstrap.seed-demo-tenant";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Boolean explicit = context.getEnvironment().getProperty(PROPERTY, Boolean.class);
        if (explicit != null) {
            return explicit;
        }
        String url = context.getEnvironment().getProperty("streamgate.database.url");
        return url == null || url.isBlank();
    }
}
