package dev.streamgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints a TCP port on 127.0.0.1 that was free a moment ago, for a server that cannot report its own. */
public final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(socket.getLocalPort());
        }
    }
}
