package io.countersign.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the log writer inserts rows: a table and its columns. On PostgreSQL every table of a batch, and
 * the move of the chain head, go in one statement sent in one round trip, each table's rows as arrays
 * ({@code unnest}); elsewhere (embedded H2, where a statement costs no round trip) one JDBC batch per table.
 */
public final class RowInsert {
    /** The SQL types a written row holds, with the Java value each is given as. */
    public enum Type {
        /** A {@link Long}. */
        BIGINT("bigint"),
        /** A {@link String}. */
        VARCHAR("varchar"),
        /** An {@link Instant}, stored as TIMESTAMP WITH TIME ZONE. */
        TIMESTAMPTZ("varchar"),
        /** A {@code byte[]}, stored as BYTEA (VARBINARY on H2). */
        BYTEA("bytea");

        /** The PostgreSQL array the column's values travel in: timestamps as ISO-8601 text, cast by the statement. */
        final String arrayElement;

        Type(String arrayElement) {
            this.arrayElement = arrayElement;
        }
    }

    public record Column(String name, Type type) {
    }

    private final String table;
    private final List<Column> columns;
    /** Both statements, built once: the writer uses one per table in every batch. */
    private final String valuesSql;
    private final String unnestSql;

    private RowInsert(String table, List<Column> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
        String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        // One row per execution: INSERT INTO t (a, b) VALUES (?, ?)
        this.valuesSql = "INSERT INTO " + table + " (" + names + ") VALUES ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        // Every row at once, one array per column: INSERT INTO t (a, b) SELECT * FROM unnest(?::bigint[], ?::varchar[])
        this.unnestSql = "INSERT INTO " + table + " (" + names + ") SELECT * FROM unnest("
                + columns.stream().map(c -> "?::" + c.type().name().toLowerCase() + "[]").collect(Collectors.joining(", "))
                + ")";
    }

    /**
     * The insert into {@code table}. Each is a constant of the row type it serves, and the writer groups a
     * batch's rows by it (identity: one instance per table).
     */
    public static RowInsert into(String table, Column... columns) {
        return new RowInsert(table, List.of(columns));
    }

    public static Column column(String name, Type type) {
        return new Column(name, type);
    }

    public String table() {
        return table;
    }

    /** Binds one row's {@code values} from parameter {@code first} on, for {@link #valuesSql}. */
    void bindRow(PreparedStatement statement, int first, Object[] values) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            bind(statement, first + i, columns.get(i).type(), values[i]);
        }
    }

    /** Binds the columns of {@code rows} as arrays from parameter {@code first} on, for {@link #unnestSql}; returns the next parameter. */
    int bindColumns(PreparedStatement statement, int first, List<Object[]> rows) throws SQLException {
        Connection connection = statement.getConnection();
        for (int i = 0; i < columns.size(); i++) {
            Type type = columns.get(i).type();
            Object[] column = switch (type) {
                case BIGINT -> new Long[rows.size()];
                case BYTEA -> new byte[rows.size()][];
                case VARCHAR, TIMESTAMPTZ -> new String[rows.size()];
            };
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.get(r)[i];
                // Timestamps travel as ISO-8601 text, cast to timestamptz[] by the statement.
                column[r] = value instanceof Instant instant ? instant.toString() : value;
            }
            statement.setArray(first + i, connection.createArrayOf(type.arrayElement, column));
        }
        return first + columns.size();
    }

    private static void bind(PreparedStatement statement, int index, Type type, Object value) throws SQLException {
        switch (type) {
            case BIGINT -> statement.setObject(index, value, java.sql.Types.BIGINT);
            case VARCHAR -> statement.setString(index, (String) value);
            case BYTEA -> statement.setBytes(index, (byte[]) value);
            case TIMESTAMPTZ -> statement.setObject(index, value == null ? null : ((Instant) value).atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * Inserts {@code rows} (insert by insert, in order) and then runs {@code last} with its parameters,
     * in one round trip on PostgreSQL.
     */
    static void insertAll(Connection connection, boolean postgresql, Map<RowInsert, List<Object[]>> rows, String last,
            Object... lastParameters) throws SQLException {
        if (postgresql) {
            List<String> statements = new ArrayList<>();
            rows.keySet().forEach(insert -> statements.add(insert.unnestSql));
            statements.add(last);
            try (PreparedStatement all = connection.prepareStatement(String.join(";\n", statements))) {
                int next = 1;
                for (Map.Entry<RowInsert, List<Object[]>> e : rows.entrySet()) {
                    next = e.getKey().bindColumns(all, next, e.getValue());
                }
                bindAll(all, next, Arrays.asList(lastParameters));
                all.execute();
            }
            return;
        }
        for (Map.Entry<RowInsert, List<Object[]>> e : rows.entrySet()) {
            try (PreparedStatement insert = connection.prepareStatement(e.getKey().valuesSql)) {
                for (Object[] values : e.getValue()) {
                    e.getKey().bindRow(insert, 1, values);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(last)) {
            bindAll(statement, 1, Arrays.asList(lastParameters));
            statement.executeUpdate();
        }
    }

    /** Binds {@code parameters} in order from parameter {@code first} on; returns the next parameter. */
    static int bindAll(PreparedStatement statement, int first, List<?> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(first + i, parameters.get(i));
        }
        return first + parameters.size();
    }
}
