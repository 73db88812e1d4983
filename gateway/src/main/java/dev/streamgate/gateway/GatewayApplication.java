package dev.streamgate.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {
    /** Reactor Netty's system property for the number of event-loop threads shared by the server and clients. */
    static final String IO_WORKER_COUNT = "reactor.netty.ioWorkerCount";

    public static void main(String[] args) {
        sizeEventLoops(Runtime.getRuntime().availableProcessors());
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * One event loop per core the JVM may run on. Reactor Netty's default is at least four, so on one or two cores
     * (a pinned container, a small VM) several loops share a core and pay for context switches and cold caches
     * without gaining any parallelism. An operator's explicit {@code -Dreactor.netty.ioWorkerCount} wins.
     */
    static void sizeEventLoops(int cores) {
        if (System.getProperty(IO_WORKER_COUNT) == null) {
            System.setProperty(IO_WORKER_COUNT, Integer.toString(Math.max(1, cores)));
        }
    }
}
