package io.pgroll.core.engine;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.Transactions;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.schema.Constraints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers planning questions from the server. The constant-default probe adds a column with the default to an empty
 * temporary table inside a transaction that is rolled back, and asks whether PostgreSQL stored the default as a
 * "missing value" (catalog only, no rewrite), which it does exactly when the expression is not volatile.
 */
final class LiveCatalog implements Catalog {
    private final Connection connection;
    private final Map<String, Boolean> constantDefaults = new HashMap<>();
    private final Map<String, Boolean> resolvesInCatalogOnly = new HashMap<>();

    private static final Pattern FUNCTION_CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*)\\s*\\(");

    /** Whether to answer with reads only (for {@code plan}, in a read-only transaction): no probe table. */
    private final boolean readOnly;

    LiveCatalog(Connection connection) {
        this(connection, false);
    }

    LiveCatalog(Connection connection, boolean readOnly) {
        this.connection = connection;
        this.readOnly = readOnly;
    }

    @Override
    public boolean isConstantDefault(String type, String defaultExpression) {
        return constantDefaults.computeIfAbsent(type + "\u0000" + defaultExpression, k -> readOnly
                ? namesNoVolatileFunction(defaultExpression) : probe(type, defaultExpression));
    }

    /**
     * The read-only stand-in for the probe: an expression is taken as constant when no function it names (a word
     * followed by a parenthesis) has a volatile overload. It can err toward volatile, never the other way.
     */
    private boolean namesNoVolatileFunction(String expression) {
        List<String> names = new ArrayList<>();
        Matcher m = FUNCTION_CALL.matcher(expression);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        if (names.isEmpty()) {
            return true;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = ANY (?) AND provolatile = 'v')")) {
            ps.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not read the catalog: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.List<Constraints.Index> expressionIndexes(String schema, String table) {
        String sql = """
                SELECT c.relname, i.indisunique, pg_get_indexdef(i.indexrelid),
                       ARRAY(SELECT a.attname FROM pg_depend d
                             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                               AND d.refobjid = i.indrelid AND d.refobjsubid > 0 ORDER BY a.attnum)
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = to_regclass(?) AND i.indexprs IS NOT NULL""";
        java.util.List<Constraints.Index> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, Sql.qualified(schema, table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] columns = (String[]) rs.getArray(4).getArray();
                    out.add(new Constraints.Index(rs.getString(1), rs.getBoolean(2), false, java.util.List.of(columns),
                            null, null, rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not read the indexes of " + table + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Optional<String> existing(String schema, Derived object) {
        String namespace = "(SELECT oid FROM pg_namespace WHERE nspname = ?)";
        String table = Sql.qualified(schema, object.table() == null ? "" : object.table());
        return switch (object.kind()) {
            case COLUMN -> first("SELECT format('column %I of table %s', attname, attrelid::regclass) FROM pg_attribute "
                    + "WHERE attrelid = to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped", table,
                    object.name());
            case CONSTRAINT -> first("SELECT format('constraint %I of table %s', conname, conrelid::regclass) "
                    + "FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?", table, object.name());
            case TRIGGER -> first("SELECT format('trigger %I on table %s', tgname, tgrelid::regclass) FROM pg_trigger "
                    + "WHERE tgrelid = to_regclass(?) AND tgname = ?", table, object.name());
            case RELATION -> first("SELECT format('%s %s', CASE relkind WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' "
                    + "WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'c' THEN "
                    + "'type' WHEN 'f' THEN 'foreign table' ELSE 'table' END, oid::regclass) FROM pg_class "
                    + "WHERE relnamespace = " + namespace + " AND relname = ?", schema, object.name());
            case SCHEMA -> first("SELECT format('schema %I', nspname) FROM pg_namespace WHERE nspname = ?",
                    object.name());
            case FUNCTION -> first("SELECT format('function %s', oid::regprocedure) FROM pg_proc WHERE pronamespace = "
                    + namespace + " AND proname = ? AND pronargs = 0", schema, object.name());
        };
    }

    private Optional<String> first(String sql, String... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("could not read the catalog: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean resolvesInCatalogOnly(String expression) {
        return resolvesInCatalogOnly.computeIfAbsent(expression, e -> {
            try {
                return Transactions.rolledBack(connection, null, s -> {
                    try {
                        s.execute("SET LOCAL search_path = pg_catalog");
                        s.execute("EXPLAIN SELECT " + e);
                        return true;
                    } catch (SQLException unresolved) {
                        return false;
                    }
                });
            } catch (SQLException failed) {
                throw new DatabaseException("could not plan an expression: " + failed.getMessage(), failed);
            }
        });
    }

    private boolean probe(String type, String defaultExpression) {
        try {
            return Transactions.rolledBack(connection, null, s -> {
                s.execute("CREATE TEMPORARY TABLE _pgroll_default_probe () ON COMMIT DROP");
                s.execute("ALTER TABLE _pgroll_default_probe ADD COLUMN probe " + type + " DEFAULT " + defaultExpression);
                try (ResultSet rs = s.executeQuery("SELECT atthasmissing FROM pg_attribute "
                        + "WHERE attrelid = 'pg_temp._pgroll_default_probe'::regclass AND attname = 'probe'")) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
        } catch (SQLException e) {
            throw new PgRollException("invalid default " + defaultExpression + " for type " + type + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
