package dev.streamgate.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;

import dev.streamgate.adapters.echo.EchoAdapter;
import dev.streamgate.adapters.openai.OpenAiCompatibleAdapter;
import dev.streamgate.adapters.spi.InferenceAdapter;
import dev.streamgate.config.ConfigException;
import dev.streamgate.config.DeploymentConfig;
import dev.streamgate.config.ProviderKind;
import org.junit.jupiter.api.Test;

class AdapterFactoryTest {
    private static final DeploymentConfig OPENAI = new DeploymentConfig("o", "m", ProviderKind.OPENAI,
            URI.create("http://127.0.0.1:1/v1"), null, null, 1, null, null, null, Map.of());
    private static final DeploymentConfig ECHO = new DeploymentConfig("e", "echo", ProviderKind.ECHO, null, null,
            null, 1, null, null, null, Map.of());

    @Test
    void standardFactoryBuildsOpenAiAndEchoAdapters() {
        AdapterFactory factory = AdapterFactory.standard();

        try (InferenceAdapter openAi = factory.create(OPENAI); InferenceAdapter echo = factory.create(ECHO)) {
            assertThat(openAi).isInstanceOf(OpenAiCompatibleAdapter.class);
            assertThat(openAi.deploymentId()).isEqualTo("o");
            assertThat(echo).isInstanceOf(EchoAdapter.class);
            assertThat(echo.deploymentId()).isEqualTo("e");
        }
    }

    @Test
    void providersCanBeAddedOrReplacedWithoutChangingTheOriginal() {
        AdapterFactory standard = AdapterFactory.standard();
        AdapterFactory custom = standard.with(ProviderKind.ECHO, deployment -> new ScriptedAdapter(deployment.id()));

        assertThat(custom.create(ECHO)).isInstanceOf(ScriptedAdapter.class);
        try (InferenceAdapter echo = standard.create(ECHO)) {
            assertThat(echo).isInstanceOf(EchoAdapter.class);
        }
    }

    @Test
    void missingProviderIsAConfigurationErrorNamingTheDeployment() {
        assertThat(AdapterFactory.empty().supports(ProviderKind.OPENAI)).isFalse();
        assertThatThrownBy(() -> AdapterFactory.empty().create(OPENAI))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OPENAI").hasMessageContaining("o");
    }

    @Test
    void anAdapterForTheWrongDeploymentIsRefusedAndClosed() {
        ScriptedAdapter wrong = new ScriptedAdapter("other");
        AdapterFactory factory = AdapterFactory.empty().with(ProviderKind.ECHO, deployment -> wrong);

        assertThatThrownBy(() -> factory.create(ECHO)).isInstanceOf(IllegalStateException.class);
        assertThat(wrong.closed()).isTrue();
    }

    @Test
    void openAiDeploymentOptionsAreValidated() {
        DeploymentConfig badOption = new DeploymentConfig("o", "m", ProviderKind.OPENAI,
                URI.create("http://127.0.0.1:1/v1"), null, null, 1, null, null, null,
                Map.of(OpenAiCompatibleAdapter.OPTION_STREAM_USAGE, "maybe"));
        DeploymentConfig badScheme = new DeploymentConfig("o", "m", ProviderKind.OPENAI,
                URI.create("ftp://127.0.0.1/v1"), null, null, 1, null, null, null, Map.of());

        assertThatThrownBy(() -> AdapterFactory.standard().create(badOption))
                .isInstanceOf(ConfigException.class).hasMessageContaining("streamUsage");
        assertThatThrownBy(() -> AdapterFactory.standard().create(badScheme))
                .isInstanceOf(ConfigException.class).hasMessageContaining("baseUrl");
    }
}
