/** Typed, validated configuration values shared by every module: plans, deployments, prices, pools and timeouts. */
package dev.streamgate.config;
