/** Admission: requests, tokens and concurrent streams per tenant and per key, on Redis or locally. */
package dev.streamgate.gateway.ratelimit;
