package dev.streamgate.gateway.web;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import org.springframework.core.io.buffer.DataBufferLimitException;

/**
 * A request body read into one array as its buffers arrive, failing with {@link DataBufferLimitException} (413,
 * the same as Spring's codecs) past the limit. Each buffer is copied as it comes, so none is retained and none can
 * leak when the read fails half-way.
 */
final class BoundedBody {
    private static final int FIRST_CAPACITY = 8 * 1024;
    private static final int MAX_FIRST_CAPACITY = 64 * 1024;

    private final int limit;
    private byte[] bytes;
    private int length;

    /** @param expected the announced {@code Content-Length}, or -1 */
    BoundedBody(int limit, long expected) {
        this.limit = limit;
        if (expected > limit) {
            throw tooLarge(limit);
        }
        // An announced length is believed only up to a modest first capacity: a client could announce the limit on
        // many connections and send nothing, and each would hold that much memory before a byte arrived.
        long first = expected >= 0 ? expected : FIRST_CAPACITY;
        this.bytes = new byte[(int) Math.min(first, Math.min(MAX_FIRST_CAPACITY, limit))];
    }

    BoundedBody append(ByteBuf buffer) {
        int readable = buffer.readableBytes();
        if (readable > limit - length) {
            throw tooLarge(limit);
        }
        if (length + readable > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) bytes.length * 2, length + readable)));
        }
        buffer.getBytes(buffer.readerIndex(), bytes, length, readable);
        length += readable;
        return this;
    }

    byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    private static DataBufferLimitException tooLarge(int limit) {
        return new DataBufferLimitException("Exceeded limit on max bytes to buffer : " + limit);
    }
}
