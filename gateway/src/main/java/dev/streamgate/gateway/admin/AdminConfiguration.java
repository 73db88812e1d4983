package dev.streamgate.gateway.admin;

import dev.streamgate.gateway.deployments.DeploymentRepository;
import dev.streamgate.gateway.deployments.PollingDeploymentCatalog;
import dev.streamgate.gateway.tenancy.PlanRepository;
import dev.streamgate.gateway.tenancy.CachedTenantDirectory;
import dev.streamgate.gateway.tenancy.TenantRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The admin routes; who may call them is the auth filter's business ({@code admin} role on {@code /admin/**}). */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    public RouterFunction<ServerResponse> adminRoutes(PlanRepository plans, TenantRepository tenants,
                                                      CachedTenantDirectory directory, DeploymentRepository deployments,
                                                      PollingDeploymentCatalog catalog) {
        return routes(new PlanAdminHandler(plans, directory), new TenantAdminHandler(tenants, plans, directory),
                new DeploymentAdminHandler(deployments, catalog));
    }

    public static RouterFunction<ServerResponse> routes(PlanAdminHandler plans, TenantAdminHandler tenants,
                                                        DeploymentAdminHandler deployments) {
        return RouterFunctions.route()
                .path("/admin/v1", admin -> admin
                        .GET("/plans", plans::list)
                        .POST("/plans", plans::create)
                        .GET("/plans/{id}", plans::get)
                        .PATCH("/plans/{id}", plans::update)
                        .GET("/tenants", tenants::list)
                        .POST("/tenants", tenants::create)
                        .GET("/tenants/{id}", tenants::get)
                        .PATCH("/tenants/{id}", tenants::update)
                        .POST("/tenants/{id}/disable", tenants::disable)
                        .POST("/tenants/{id}/enable", tenants::enable)
                        .GET("/deployments", deployments::list)
                        .POST("/deployments", deployments::create)
                        .GET("/deployments/{id}", deployments::get)
                        .PATCH("/deployments/{id}", deployments::update)
                        .DELETE("/deployments/{id}", deployments::delete))
                .build();
    }
}
