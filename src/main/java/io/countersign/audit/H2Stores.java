package io.countersign.audit;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/** The store under an embedded H2 connection, for what H2's SQL does not offer: its housekeeping, and flushing its file. */
final class H2Stores {
    private H2Stores() {
    }

    /** The MVStore the connection's database keeps its tables in; null for a connection to anything else. */
    static MVStore of(Connection connection) throws SQLException {
        if (connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
            return session.getDatabase().getStore().getMvStore();
        }
        return null;
    }

    /**
     * Whether the connection's transaction has changed anything in an embedded H2 database (a guard's entity
     * sent by an automatic flush before a query, say); false for a connection to anything else.
     */
    static boolean changed(Connection connection) throws SQLException {
        return connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session && session.hasPendingTransaction();
    }
}
