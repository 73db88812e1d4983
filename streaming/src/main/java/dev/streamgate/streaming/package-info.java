/** The stream domain: events an inference stream carries, and the codecs that put them on the wire. */
package dev.streamgate.streaming;
