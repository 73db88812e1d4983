/**
 * The admin API under {@code /admin/v1}: plans, tenants and model deployments. The auth filter lets only callers with
 * the {@code admin} role through; handlers validate every field and name the offending one in a 400.
 */
package dev.streamgate.gateway.admin;
