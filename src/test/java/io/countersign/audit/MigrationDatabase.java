package io.countersign.audit;

import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.countersign.reliability.TestDatabase;

/**
 * A fresh, empty database of the kind the suite runs on, for a migration test: a new PostgreSQL database when
 * the suite is pointed at one ({@code countersign.test.jdbc-url}), dropped afterwards, else an H2 of its own.
 */
record MigrationDatabase(String url, String user, boolean postgresql) {
    interface Use {
        void on(MigrationDatabase database) throws SQLException;
    }

    static void fresh(String name, Use use) throws SQLException {
        if (System.getProperty("countersign.test.jdbc-url", "").startsWith("jdbc:postgresql:")) {
            try (TestDatabase database = TestDatabase.create()) {
                use.on(new MigrationDatabase(database.jdbcUrl(), "postgres", true));
            }
        } else {
            use.on(new MigrationDatabase("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", false));
        }
    }

    /** The service's name for the database kind ({@code quarkus.datasource.db-kind}). */
    String kind() {
        return postgresql ? "postgresql" : "h2";
    }

    DataSource dataSource() {
        if (postgresql) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            dataSource.setUser(user);
            return dataSource;
        }
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser(user);
        return dataSource;
    }
}
