package dev.streamgate.streaming.testsupport;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection driven by hand, for tests that need what an HTTP client library hides: requests written
 * back to back before any answer (pipelining, RFC 9112 section 9.3.2) and answers read one by one in order.
 */
public final class RawHttp1Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    public RawHttp1Connection(int port, Duration readTimeout) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) readTimeout.toMillis());
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** A request's bytes: {@code headers} are complete lines without their CRLF; a body gets its Content-Length. */
    public static String request(String method, String path, String body, String... headers) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        return request.append("\r\n").append(body == null ? "" : body).toString();
    }

    /** Writes the requests in one go, without waiting for any answer. */
    public void send(String... requests) throws IOException {
        out.write(String.join("", requests).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next answer on the connection; its body is read by Content-Length or by chunks. */
    public Response read() throws IOException {
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        int length = -1;
        boolean chunked = false;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        return new Response(status, chunked ? readChunks() : readBytes(Math.max(length, 0)));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readChunks() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int size = Integer.parseInt(readLine().split(";")[0].trim(), 16); size > 0;
             size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) {
            body.append(readBytes(size));
            readLine();
        }
        readLine();
        return body.toString();
    }

    private String readBytes(int length) throws IOException {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed in the middle of an answer");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** One answer: its status code and its body as text. */
    public record Response(int status, String body) {
    }
}
