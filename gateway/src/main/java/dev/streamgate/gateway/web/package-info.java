/** HTTP-level rules that hold for every route: size limits, request ids, method and path errors. */
package dev.streamgate.gateway.web;
