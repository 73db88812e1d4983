/** Builds the deployment router from the catalog and keeps it in step with the catalog's changes. */
package dev.streamgate.gateway.routing;
