/** Admin endpoints for issuing, listing and revoking tenants' API keys. */
package dev.streamgate.gateway.auth.admin;
