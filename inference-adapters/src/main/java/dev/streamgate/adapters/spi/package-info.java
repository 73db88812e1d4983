/** The extension point every inference backend implements. */
package dev.streamgate.adapters.spi;
