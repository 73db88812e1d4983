/** Implementation details shared by the streaming codecs: the module's JSON configuration and byte buffers. */
package dev.streamgate.streaming.internal;
