package dev.streamgate.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseEndpointTest {

    @Test
    void readsPlainPostgresqlUrlWithDefaults() {
        DatabaseEndpoint e = DatabaseEndpoint.parse("postgresql://db.internal/streamgate", null, null);

        assertThat(e).isEqualTo(new DatabaseEndpoint("db.internal", 5432, "streamgate", "postgres", null, null));
        assertThat(e.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/streamgate");
    }

    @Test
    void readsCredentialsFromUserInfoAndDecodesThem() {
        DatabaseEndpoint e = DatabaseEndpoint.parse("postgres://sg:p%40ss@10.0.0.5:6543/billing", null, null);

        assertThat(e.host()).isEqualTo("10.0.0.5");
        assertThat(e.port()).isEqualTo(6543);
        assertThat(e.database()).isEqualTo("billing");
        assertThat(e.username()).isEqualTo("sg");
        assertThat(e.password()).isEqualTo("p@ss");
    }

    @Test
    void readsJdbcAndR2dbcUrlsWithQueryParameters() {
        DatabaseEndpoint jdbc = DatabaseEndpoint.parse(
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&sslmode=require", null, null);
        DatabaseEndpoint r2dbc = DatabaseEndpoint.parse("r2dbc:postgresql://h:1/d?user=u&password=pw", null, null);

        assertThat(jdbc.username()).isEqualTo("postgres");
        assertThat(jdbc.sslMode()).isEqualTo("require");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?sslmode=require");
        assertThat(r2dbc).isEqualTo(new DatabaseEndpoint("h", 1, "d", "u", "pw", null));
    }

    @Test
    void explicitUsernameAndPasswordWinOverTheUrl() {
        DatabaseEndpoint e = DatabaseEndpoint.parse("postgresql://a:b@h/d", "admin", "secret");

        assertThat(e.username()).isEqualTo("admin");
        assertThat(e.password()).isEqualTo("secret");
    }

    @Test
    void neverShowsThePassword() {
        DatabaseEndpoint e = DatabaseEndpoint.parse("postgresql://sg:topsecret@h:5432/d", null, null);

        assertThat(e.toString()).doesNotContain("topsecret").contains("sg@h:5432/d");
        assertThat(e.describe()).doesNotContain("topsecret");
    }

    @Test
    void refusesWhatItCannotHonour() {
        assertThatThrownBy(() -> DatabaseEndpoint.parse("mysql://h/d", null, null))
                .hasMessageContaining("streamgate.database.url");
        assertThatThrownBy(() -> DatabaseEndpoint.parse("postgresql://h:5432/", null, null))
                .hasMessageContaining("names no database");
        assertThatThrownBy(() -> DatabaseEndpoint.parse("postgresql://h/d?currentSchema=x", null, null))
                .hasMessageContaining("unsupported parameter 'currentSchema'");
        assertThatThrownBy(() -> DatabaseEndpoint.parse("mysql://u:hunter2@h/d", null, null))
                .message().doesNotContain("hunter2");
    }

    @Test
    void bracketsIpv6HostsInUrls() {
        DatabaseEndpoint e = DatabaseEndpoint.parse("postgresql://[::1]:5432/d", null, null);

        assertThat(e.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/d");
    }
}
