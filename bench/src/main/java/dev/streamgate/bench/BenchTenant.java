package dev.streamgate.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prepares a freshly started gateway for a benchmark through its admin API, with the bootstrap admin key from
 * {@code STREAMGATE_ADMIN_KEY}: a plan whose limits the load cannot reach ({@code bench}), a tenant on it, and an API
 * key for that tenant, printed on stdout (and nothing else is). Then it sends one non-streaming and one streaming
 * request for {@code --model} with that key, so that a misconfigured gateway fails here, loudly, and not as a table
 * of errors after minutes of load. Safe to run again: an existing plan or tenant is updated, not duplicated.
 *
 * <pre>
 * STREAMGATE_ADMIN_KEY=... java -cp streamgate-bench.jar dev.streamgate.bench.BenchTenant
 *     --gateway http://127.0.0.1:8080 [--model bench] [--wait 180s] [--pid GATEWAY_PID]
 * </pre>
 */
public final class BenchTenant {
    static final String PLAN = "bench";
    static final String TENANT = "bench";
    private static final Duration POLL = Duration.ofMillis(500);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final JsonMapper json = JsonMapper.shared();
    private final URI gateway;
    private final String adminKey;

    BenchTenant(URI gateway, String adminKey) {
        this.gateway = gateway;
        this.adminKey = adminKey;
    }

    public static void main(String[] args) throws Exception {
        URI gateway;
        String model;
        Duration wait;
        long pid;
        try {
            CliArgs cli = CliArgs.parse(args);
            gateway = URI.create(cli.required("gateway"));
            LoadGenerator.requireLoopback(gateway);
            model = cli.string("model", "bench");
            wait = cli.duration("wait", Duration.ofSeconds(180), Duration.ofMinutes(30));
            pid = cli.longValue("pid", 0, 0, Long.MAX_VALUE);
            cli.rejectUnknown();
        } catch (IllegalArgumentException e) {
            System.err.println("BenchTenant: " + e.getMessage());
            System.exit(2);
            return;
        }
        String adminKey = System.getenv("STREAMGATE_ADMIN_KEY");
        if (adminKey == null || adminKey.isBlank()) {
            System.err.println("BenchTenant: STREAMGATE_ADMIN_KEY is not set");
            System.exit(2);
            return;
        }
        try {
            BenchTenant setup = new BenchTenant(gateway, adminKey);
            setup.awaitAdminApi(wait, pid == 0 ? Optional.empty() : ProcessHandle.of(pid));
            String key = setup.prepare();
            setup.smokeTest(key, model);
            System.out.println(key);
        } catch (SetupFailed e) {
            System.err.println("BenchTenant: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Polls until the admin API answers (the web server opens only once the application has started). */
    void awaitAdminApi(Duration wait, Optional<ProcessHandle> process) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = send(admin("GET", "/admin/v1/plans", null));
                if (response.statusCode() == 200) {
                    return;
                }
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new SetupFailed("the gateway refused the admin key (" + response.statusCode() + "): "
                            + response.body());
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting up; try again
            }
            if (process.isPresent() && !process.get().isAlive()) {
                throw new SetupFailed("the gateway process " + process.get().pid() + " exited during start-up");
            }
            if (System.nanoTime() > deadline) {
                throw new SetupFailed("the gateway's admin API did not answer within " + wait.toSeconds() + "s at "
                        + gateway);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Creates (or updates) the plan and tenant and issues a key; returns the key's secret. */
    String prepare() throws IOException, InterruptedException {
        ObjectNode limits = json.createObjectNode();
        // Far above what the machine can serve, and below one token per nanosecond (6e10 a minute): Bucket4j refuses
        // faster refill rates, and the gateway then fails every request of the plan.
        limits.put("requests_per_minute", 100_000_000L);
        limits.put("tokens_per_minute", 10_000_000_000L);
        limits.put("concurrent_requests", 100_000);
        ObjectNode plan = json.createObjectNode();
        plan.put("id", PLAN);
        plan.put("name", "Benchmark (no effective limits)");
        plan.set("tenant_limits", limits);
        plan.set("key_limits", limits);
        createOrUpdate("/admin/v1/plans", "/admin/v1/plans/" + PLAN, plan);

        ObjectNode tenant = json.createObjectNode();
        tenant.put("id", TENANT);
        tenant.put("name", "Benchmark");
        tenant.put("plan", PLAN);
        tenant.put("disabled", false);
        createOrUpdate("/admin/v1/tenants", "/admin/v1/tenants/" + TENANT, tenant);

        ObjectNode keyRequest = json.createObjectNode();
        keyRequest.put("name", "bench");
        HttpResponse<String> issued = send(admin("POST", "/admin/v1/tenants/" + TENANT + "/keys", keyRequest));
        expect(issued, 201, "issuing an API key");
        JsonNode key = json.readTree(issued.body()).get("key");
        if (key == null || !key.isString()) {
            throw new SetupFailed("the key issuing response has no \"key\": " + issued.body());
        }
        return key.asString();
    }

    /** One request of each kind, with the bench key; the gateway must answer both in full. */
    void smokeTest(String key, String model) throws IOException, InterruptedException {
        for (boolean stream : new boolean[] {false, true}) {
            HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ChatRequester.body(model, stream, 16)))
                    .build();
            HttpResponse<String> response = send(request);
            String what = (stream ? "a streaming" : "a non-streaming") + " chat completion for model '" + model
                    + "' through the gateway";
            expect(response, 200, what);
            if (stream ? !response.body().stripTrailing().endsWith("data: [DONE]")
                    : !response.body().contains("\"choices\"")) {
                throw new SetupFailed(what + " returned 200 with an unexpected body: " + response.body());
            }
        }
    }

    private void createOrUpdate(String collection, String item, ObjectNode body)
            throws IOException, InterruptedException {
        HttpResponse<String> created = send(admin("POST", collection, body));
        if (created.statusCode() == 201) {
            return;
        }
        if (created.statusCode() != 409) {
            expect(created, 201, "POST " + collection);
        }
        ObjectNode update = body.deepCopy();
        update.remove("id");
        expect(send(admin("PATCH", item, update)), 200, "PATCH " + item);
    }

    private HttpRequest admin(String method, String path, ObjectNode body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        return HttpRequest.newBuilder(gateway.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new SetupFailed(what + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** A step that did not work; the message says which and what the gateway answered. */
    static final class SetupFailed extends RuntimeException {
        SetupFailed(String message) {
            super(message);
        }
    }
}
