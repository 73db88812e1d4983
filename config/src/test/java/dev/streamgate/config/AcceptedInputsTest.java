package dev.streamgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AcceptedInputsTest {

    private static DeploymentConfig deployment(ProviderKind provider, Map<String, String> options) {
        return new DeploymentConfig("d", "m", provider, URI.create("http://upstream.invalid/v1"), null, null, 1, null,
                null, null, options);
    }

    @Test
    void eachProviderHasItsDefault() {
        assertThat(AcceptedInputs.of(deployment(ProviderKind.OPENAI, Map.of()))).isEqualTo(AcceptedInputs.EVERYTHING);
        assertThat(AcceptedInputs.of(deployment(ProviderKind.WORKER, Map.of()))).isEqualTo(AcceptedInputs.TEXT_ONLY);
        assertThat(AcceptedInputs.of(deployment(ProviderKind.ECHO, Map.of()))).isEqualTo(AcceptedInputs.TEXT_ONLY);
    }

    @Test
    void aDeclarationReplacesTheDefault() {
        AcceptedInputs declared = AcceptedInputs.of(deployment(ProviderKind.WORKER,
                Map.of("accepts", " text, IMAGE_URL ,tools")));
        assertThat(declared).isEqualTo(new AcceptedInputs(Set.of("text", "image_url"), true));
        assertThat(AcceptedInputs.of(deployment(ProviderKind.OPENAI, Map.of("accepts", "text"))))
                .isEqualTo(AcceptedInputs.TEXT_ONLY);
    }

    @Test
    void anUnknownInputFailsNamingIt() {
        assertThatThrownBy(() -> AcceptedInputs.of(deployment(ProviderKind.OPENAI, Map.of("accepts", "text,video"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'video'").hasMessageContaining("d");
    }

    @Test
    void aModelAcceptsWhatAllItsDeploymentsAccept() {
        assertThat(AcceptedInputs.EVERYTHING.and(AcceptedInputs.TEXT_ONLY)).isEqualTo(AcceptedInputs.TEXT_ONLY);
        assertThat(new AcceptedInputs(Set.of("text", "file"), true)
                .and(new AcceptedInputs(Set.of("text", "image_url"), true)))
                .isEqualTo(new AcceptedInputs(Set.of("text"), true));
    }
}
