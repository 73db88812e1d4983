package dev.streamgate.gateway.admin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streamgate.config.Plan;
import dev.streamgate.config.PlanLimits;

/** A plan as the admin API reads and writes it. In an update every field may be left out to keep its value. */
public record PlanJson(String id, String object, String name,
                       @JsonProperty("tenant_limits") Limits tenantLimits,
                       @JsonProperty("key_limits") Limits keyLimits,
                       @JsonProperty("allowed_models") List<String> allowedModels,
                       Integer priority) {

    /**
     * A plan's limits. {@code concurrent_requests} counts every request in flight, streamed or not: what loads a
     * backend is a request being generated, however it is delivered. Its former name, {@code concurrent_streams},
     * is still read (deprecated) so that existing admin scripts keep working; only the new name is written.
     */
    public record Limits(@JsonProperty("requests_per_minute") Long requestsPerMinute,
                         @JsonProperty("tokens_per_minute") Long tokensPerMinute,
                         @JsonProperty("concurrent_requests") @JsonAlias("concurrent_streams")
                         Integer concurrentStreams) {

        static Limits of(PlanLimits limits) {
            return new Limits(limits.requestsPerMinute(), limits.tokensPerMinute(), limits.concurrentStreams());
        }

        /** These limits over {@code base} (null when creating: then every field is required). */
        PlanLimits over(PlanLimits base, String param) {
            return new PlanLimits(
                    requestsPerMinute == null && base != null ? base.requestsPerMinute()
                            : Fields.perMinute(requestsPerMinute, param + ".requests_per_minute"),
                    tokensPerMinute == null && base != null ? base.tokensPerMinute()
                            : Fields.perMinute(tokensPerMinute, param + ".tokens_per_minute"),
                    concurrentStreams == null && base != null ? base.concurrentStreams()
                            : Fields.positiveInt(concurrentStreams, param + ".concurrent_requests"));
        }
    }

    public static PlanJson of(Plan plan) {
        return new PlanJson(plan.id(), "plan", plan.name(), Limits.of(plan.tenantLimits()),
                Limits.of(plan.keyLimits()), plan.allowedModels().stream().sorted().toList(), plan.priority());
    }

    /** A new plan from a create request. */
    Plan toPlan() {
        return new Plan(Fields.id(id, "id"), Fields.text(name, "name"),
                limits(tenantLimits, null, "tenant_limits"), limits(keyLimits, null, "key_limits"),
                models(allowedModels == null ? List.of() : allowedModels), priority == null ? 0 : priority);
    }

    /** {@code current} with the fields this update sets. */
    Plan over(Plan current) {
        Fields.sameId(current.id(), id);
        return new Plan(current.id(), name == null ? current.name() : Fields.text(name, "name"),
                tenantLimits == null ? current.tenantLimits() : tenantLimits.over(current.tenantLimits(),
                        "tenant_limits"),
                keyLimits == null ? current.keyLimits() : keyLimits.over(current.keyLimits(), "key_limits"),
                allowedModels == null ? current.allowedModels() : models(allowedModels),
                priority == null ? current.priority() : priority);
    }

    private static PlanLimits limits(Limits limits, PlanLimits base, String param) {
        if (limits == null) {
            throw Fields.missing(param);
        }
        return limits.over(base, param);
    }

    private static Set<String> models(List<String> models) {
        Set<String> set = new LinkedHashSet<>();
        for (int i = 0; i < models.size(); i++) {
            set.add(Fields.text(models.get(i), "allowed_models[" + i + "]"));
        }
        return set;
    }
}
