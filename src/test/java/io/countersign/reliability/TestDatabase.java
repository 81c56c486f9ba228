package io.countersign.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh PostgreSQL database for one test, on the server the build was pointed at
 * ({@code countersign.test.jdbc-url}), dropped afterwards. The server itself is left alone.
 */
public final class TestDatabase implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/.*");
    private static final String USER = "postgres";

    private final String host;
    private final int port;
    private final String name;

    private TestDatabase(String host, int port, String name) {
        this.host = host;
        this.port = port;
        this.name = name;
    }

    /** Whether the jar under test was built for PostgreSQL. */
    static boolean postgresql() {
        return "postgresql".equals(System.getProperty("countersign.it.db-kind"));
    }

    public static TestDatabase create() throws SQLException {
        String url = System.getProperty("countersign.test.jdbc-url", "");
        Matcher m = URL.matcher(url);
        TestDatabase database = m.matches()
                ? new TestDatabase(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), newName())
                : new TestDatabase("127.0.0.1", 5432, newName());
        database.admin("CREATE DATABASE " + database.name);
        return database;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** The database's JDBC URL, user {@code postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** The service's environment for this database. */
    Map<String, String> settings() {
        return settingsVia(host, port);
    }

    /** The service's environment for this database reached at {@code host:port} (a proxy in front of it). */
    Map<String, String> settingsVia(String viaHost, int viaPort) {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + viaHost + ":" + viaPort + "/" + name,
                "QUARKUS_DATASOURCE_USERNAME", USER);
    }

    @Override
    public void close() throws SQLException {
        // FORCE ends whatever sessions a killed service left behind.
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String newName() {
        return "cs_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
