package dev.streamgate.worker.server;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.streamgate.worker.WorkerRuntime;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code java -jar streamgate-gpu-worker-all.jar --model <folder>}: serves one model over HTTP. */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        // Before the first logger exists: the worker's own defaults, unless the operator points elsewhere.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "streamgate-worker-logback.xml");
        }
        Logger log = LoggerFactory.getLogger(WorkerMain.class);
        WorkerCommandLine commandLine;
        try {
            commandLine = WorkerCommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(WorkerCommandLine.USAGE);
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        WorkerServer server = WorkerServer.start(commandLine.host(), commandLine.port(), registry::scrape,
                Clock.systemUTC());
        log.info("listening on {}:{}; loading {}", commandLine.host(), server.port(), commandLine.model());
        WorkerRuntime runtime;
        try {
            runtime = WorkerRuntime.builder(commandLine.model())
                    .options(commandLine.options())
                    .meterRegistry(registry)
                    .start();
        } catch (IllegalArgumentException e) {
            // A model the worker cannot serve: the message names what is wrong, a stack trace adds nothing.
            log.error("cannot serve {}: {}", commandLine.model(), e.getMessage());
            server.close();
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            log.error("cannot serve {}: {}", commandLine.model(), e.getMessage(), e);
            server.close();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            server.close();
            runtime.close();
        }));
        server.attach(runtime);
        log.info("ready: {}", runtime.modelName());
        server.onDispose().block();
    }
}
