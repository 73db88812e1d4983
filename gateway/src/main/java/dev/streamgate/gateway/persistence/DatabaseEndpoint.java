package dev.streamgate.gateway.persistence;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the database is and who to connect as: one value from which both the JDBC URL (Flyway) and the R2DBC
 * configuration (everything else) are made, so the two can never point at different databases.
 *
 * @param sslMode PostgreSQL's {@code sslmode} ({@code disable}, {@code require}, {@code verify-full}, ...) or null
 */
public record DatabaseEndpoint(String host, int port, String database, String username, String password,
                               String sslMode) {
    private static final String PROPERTY = "streamgate.database.url";
    private static final Set<String> PARAMETERS = Set.of("user", "password", "sslmode");

    public DatabaseEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(PROPERTY + " has no host");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException(PROPERTY + " has an invalid port: " + port);
        }
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException(PROPERTY + " names no database (postgresql://host:port/DATABASE)");
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("streamgate.database.username must not be blank");
        }
        password = password == null || password.isEmpty() ? null : password;
    }

    /**
     * Reads {@code postgresql://}, {@code postgres://}, {@code jdbc:postgresql://} and {@code r2dbc:postgresql://}
     * URLs with an optional {@code user:password@}, and the query parameters {@code user}, {@code password} and
     * {@code sslmode}. {@code username} and {@code password}, when not blank, override what the URL says.
     */
    public static DatabaseEndpoint parse(String url, String username, String password) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(PROPERTY + " must not be blank");
        }
        String rest = url.strip();
        for (String prefix : new String[] {"jdbc:", "r2dbc:"}) {
            if (rest.regionMatches(true, 0, prefix, 0, prefix.length())) {
                rest = rest.substring(prefix.length());
            }
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(PROPERTY + " is not a valid URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw new IllegalArgumentException(PROPERTY + " must be a PostgreSQL URL (postgresql://host:port/db), was "
                    + redact(url));
        }
        Map<String, String> query = query(uri.getRawQuery());
        String user = query.get("user");
        String pass = query.get("password");
        if (uri.getRawUserInfo() != null) {
            String[] info = uri.getRawUserInfo().split(":", 2);
            user = decode(info[0]);
            pass = info.length > 1 ? decode(info[1]) : pass;
        }
        if (username != null && !username.isBlank()) {
            user = username;
        }
        if (password != null && !password.isEmpty()) {
            pass = password;
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        String host = uri.getHost();
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new DatabaseEndpoint(host, uri.getPort() < 0 ? 5432 : uri.getPort(), database,
                user == null || user.isBlank() ? "postgres" : user, pass, query.get("sslmode"));
    }

    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
        return sslMode == null ? url : url + "?sslmode=" + sslMode;
    }

    /** Host, port, database and user: what a log line may show (never the password). */
    public String describe() {
        return username + "@" + hostForUrl() + ":" + port + "/" + database;
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "DatabaseEndpoint[" + describe() + (sslMode == null ? "" : ", sslmode=" + sslMode) + "]";
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = decode(eq < 0 ? part : part.substring(0, eq));
            if (!PARAMETERS.contains(key)) {
                // Silently dropping e.g. a TLS setting would connect in a way the operator did not ask for.
                throw new IllegalArgumentException(PROPERTY + " has an unsupported parameter '" + key
                        + "' (supported: user, password, sslmode)");
            }
            params.put(key, eq < 0 ? "" : decode(part.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("password=[^&]*", "password=***");
    }
}
