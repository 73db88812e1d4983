package dev.streamgate.gateway.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.PoolSettings;
import dev.streamgate.config.ProviderKind;
import dev.streamgate.config.UpstreamTimeouts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code streamgate.deployments[n]} as an operator writes it in application.yml. */
class ConfiguredDeploymentsTest {

    private static List<DeploymentConfig> bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("streamgate", ConfiguredDeployments.class).toConfigs();
    }

    @Test
    void fillsUnsetValuesFromTheDefaults() {
        List<DeploymentConfig> deployments = bind(Map.ofEntries(
                Map.entry("streamgate.deployments[0].id", "echo"),
                Map.entry("streamgate.deployments[0].model", "echo"),
                Map.entry("streamgate.deployments[0].provider", "echo"),
                Map.entry("streamgate.deployments[0].options.tokenDelayMs", "20"),
                Map.entry("streamgate.deployments[1].id", "vllm-a"),
                Map.entry("streamgate.deployments[1].model", "llama-3-8b"),
                Map.entry("streamgate.deployments[1].provider", "openai"),
                Map.entry("streamgate.deployments[1].base-url", "http://10.0.0.7:8000/v1"),
                Map.entry("streamgate.deployments[1].price.output-per-million", "0.6"),
                Map.entry("streamgate.deployments[1].pool.max-connections", "64"),
                Map.entry("streamgate.deployments[1].timeouts.first-token", "250ms")));

        DeploymentConfig echo = deployments.get(0);
        assertThat(echo.provider()).isEqualTo(ProviderKind.ECHO);
        assertThat(echo.weight()).isEqualTo(1);
        assertThat(echo.option("tokenDelayMs", "0")).isEqualTo("20");
        assertThat(echo.pool()).isEqualTo(PoolSettings.DEFAULT);

        DeploymentConfig vllm = deployments.get(1);
        assertThat(vllm.baseUrl()).isEqualTo(URI.create("http://10.0.0.7:8000/v1"));
        assertThat(vllm.upstreamModel()).isEqualTo("llama-3-8b");
        assertThat(vllm.price().inputPerMillion()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(vllm.price().outputPerMillion()).isEqualByComparingTo("0.6");
        assertThat(vllm.pool().maxConnections()).isEqualTo(64);
        assertThat(vllm.pool().pendingAcquireMax()).isEqualTo(PoolSettings.DEFAULT.pendingAcquireMax());
        assertThat(vllm.timeouts().firstToken()).isEqualTo(Duration.ofMillis(250));
        assertThat(vllm.timeouts().total()).isEqualTo(UpstreamTimeouts.DEFAULT.total());
    }

    @Test
    void namesTheEntryThatIsWrong() {
        assertThatThrownBy(() -> bind(Map.of(
                "streamgate.deployments[0].id", "echo",
                "streamgate.deployments[0].model", "echo",
                "streamgate.deployments[0].provider", "echo",
                "streamgate.deployments[1].id", "remote",
                "streamgate.deployments[1].model", "gpt-4o",
                "streamgate.deployments[1].provider", "openai")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamgate.deployments[1]")
                .hasMessageContaining("baseUrl");
    }

    @Test
    void noDeploymentsIsAnEmptyList() {
        assertThat(bind(Map.of("streamgate.other", "x"))).isEmpty();
    }

    /** application.yml under a higher-priority source, as {@code --streamgate...} arguments are. */
    private static List<DeploymentConfig> bindOverApplicationYml(Map<String, String> commandLine) throws Exception {
        var yml = new org.springframework.boot.env.YamlPropertySourceLoader()
                .load("application.yml", new org.springframework.core.io.ClassPathResource("application.yml"));
        var sources = new java.util.ArrayList<org.springframework.core.env.PropertySource<?>>();
        sources.add(new org.springframework.core.env.MapPropertySource("commandLine", Map.copyOf(commandLine)));
        sources.addAll(yml);
        return new Binder(org.springframework.boot.context.properties.source.ConfigurationPropertySources
                .from(sources)).bindOrCreate("streamgate", ConfiguredDeployments.class).toConfigs();
    }

    @Test
    void builtInsStayWhenAnOperatorAddsDeploymentsOnTheCommandLine() throws Exception {
        List<DeploymentConfig> served = bindOverApplicationYml(Map.of(
                "streamgate.deployments[0].id", "bench-fake",
                "streamgate.deployments[0].model", "bench",
                "streamgate.deployments[0].provider", "openai",
                "streamgate.deployments[0].base-url", "http://127.0.0.1:9/v1"));

        assertThat(served).extracting(DeploymentConfig::id).containsExactly("bench-fake", "echo", "demo-chat");
    }

    @Test
    void anOperatorsDeploymentReplacesTheBuiltInWithItsIdOrModel() throws Exception {
        List<DeploymentConfig> served = bindOverApplicationYml(Map.of(
                "streamgate.deployments[0].id", "echo",
                "streamgate.deployments[0].model", "echo",
                "streamgate.deployments[0].provider", "echo",
                "streamgate.deployments[1].id", "demo-chat-remote",
                "streamgate.deployments[1].model", "demo-chat",
                "streamgate.deployments[1].provider", "openai",
                "streamgate.deployments[1].base-url", "http://127.0.0.1:9/v1"));

        assertThat(served).extracting(DeploymentConfig::id).containsExactly("echo", "demo-chat-remote");
        assertThat(served.getFirst().options()).isEmpty();
    }

    @Test
    void builtInsCanBeSwitchedOff() throws Exception {
        assertThat(bindOverApplicationYml(Map.of("streamgate.builtin-deployments.enabled", "false"))).isEmpty();
        assertThat(bindOverApplicationYml(Map.of())).extracting(DeploymentConfig::id)
                .containsExactly("echo", "demo-chat");
    }
}
