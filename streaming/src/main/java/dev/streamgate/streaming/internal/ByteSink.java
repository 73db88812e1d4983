package dev.streamgate.streaming.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that a {@code JsonGenerator} writes into and that is reset between chunks, so an
 * encoder reuses one array for a whole stream instead of allocating per chunk. Not thread-safe.
 */
public final class ByteSink extends OutputStream {
    private byte[] buffer;
    private int length;

    public ByteSink(int initialCapacity) {
        buffer = new byte[initialCapacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[length++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) {
        ensure(count);
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    /** The backing array; valid from 0 to {@link #length()} until the next write or reset. */
    public byte[] array() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    public void reset() {
        length = 0;
    }

    /**
     * Room for {@code extra} more bytes: the array to write them into from {@link #length()}; then
     * {@link #advance}.
     */
    public byte[] reserve(int extra) {
        ensure(extra);
        return buffer;
    }

    /** Counts {@code count} bytes written straight into the array from {@link #reserve}. */
    public void advance(int count) {
        if (count < 0 || length + count > buffer.length) {
            throw new IllegalArgumentException("cannot advance by " + count);
        }
        length += count;
    }

    private void ensure(int extra) {
        int needed = length + extra;
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
