/** What a fresh installation needs before its first request: the {@code default} plan and the {@code demo} tenant. */
package dev.streamgate.gateway.bootstrap;
