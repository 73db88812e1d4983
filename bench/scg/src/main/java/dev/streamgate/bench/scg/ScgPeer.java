package dev.streamgate.bench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A bare Spring Cloud Gateway: one route, {@code /v1/**} to the fake upstream (its URI comes from the command line,
 * {@code --spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:PORT}), no filter, no security, no
 * actuator. The cost of a request through it is the framework's own: the floor a Spring WebFlux gateway starts from.
 */
@SpringBootApplication
public class ScgPeer {
    public static void main(String[] args) {
        SpringApplication.run(ScgPeer.class, args);
    }
}
