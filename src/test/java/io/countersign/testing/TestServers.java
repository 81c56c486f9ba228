package io.countersign.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/** Local HTTP servers for the fakes that stand in for Slack, Teams, a SIEM or a webhook receiver. */
public final class TestServers {
    private TestServers() {
    }

    /** A server on 127.0.0.1 at a free port, not yet started. */
    public static HttpServer loopback() {
        try {
            return HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
