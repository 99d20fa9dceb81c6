package io.pgroll.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgroll.core.PgRoll;
import io.pgroll.core.StartResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh database with an initialised state schema, plus the client-side moves the lifecycle tests make: run SQL
 * as a client of a given version (by search_path, as real clients do) and inspect the catalog.
 */
public final class Harness {
    public final String url;
    public final String schema;
    public final PgRoll roll;

    public Harness(String schema) {
        this.url = TestPostgres.newDatabase();
        this.schema = schema;
        if (!"public".equals(schema)) {
            execRaw("CREATE SCHEMA " + Sql.ident(schema));
        }
        this.roll = PgRoll.open(PgRollConfig.of(url).withSchema(schema));
        roll.init();
    }

    private Harness(String url, String schema, PgRoll roll) {
        this.url = url;
        this.schema = schema;
        this.roll = roll;
    }

    /** A pgroll of this database that tells {@code listener} what it does. */
    public PgRoll listenedTo(PgRollListener listener) {
        return PgRoll.configure().url(url).schema(schema).listener(listener).load();
    }

    /** Another process's view of the same database: a new pgroll with connections of its own. */
    public Harness reconnect() {
        return new Harness(url, schema, PgRoll.open(PgRollConfig.of(url).withSchema(schema)));
    }

    /** The schema under test: PGROLL_TEST_SCHEMA, else public (CI runs both). */
    public static Harness create() {
        String s = System.getProperty("pgroll.test.schema", System.getenv().getOrDefault("PGROLL_TEST_SCHEMA", "public"));
        return new Harness(s);
    }

    public static Migration migration(String name, String json) {
        return MigrationReader.parse(name + ".json", json);
    }

    public StartResult start(String name, String json) {
        return roll.start(migration(name, json), StartOptions.defaults());
    }

    public void startAndComplete(String name, String json) {
        start(name, json);
        roll.complete();
    }

    /** Starts and completes {@code 01_create}: table users (id serial primary key, name text null); its version. */
    public String createUsers() {
        startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
        return version("01_create");
    }

    public String version(String migrationName) {
        return schema + "_" + migrationName;
    }

    /** Runs statements as a client of the given version schema (search_path set to exactly that schema). */
    public void exec(String versionSchema, String... statements) {
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + Sql.ident(versionSchema));
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new ClientError(e);
        }
    }

    /** Runs a query as a client of the given version schema; rows as lists of strings. */
    public List<List<String>> query(String versionSchema, String sql) {
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + Sql.ident(versionSchema));
            try (ResultSet rs = s.executeQuery(sql)) {
                List<List<String>> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new ClientError(e);
        }
    }

    /** Runs SQL with the default search_path (the target schema's physical tables). */
    public void execRaw(String... statements) {
        exec(schema == null ? "public" : schema, statements);
    }

    public String scalar(String versionSchema, String sql) {
        List<List<String>> rows = query(versionSchema, sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** Asserts that running the statements as a client of the version fails with the given SQLSTATE. */
    public void assertFails(String sqlState, String versionSchema, String... statements) {
        ClientError e = assertThrows(ClientError.class, () -> exec(versionSchema, statements));
        assertEquals(sqlState, e.sqlState(), e.getMessage());
    }

    public boolean schemaExists(String name) {
        return "1".equals(scalar("public", "SELECT 1 FROM pg_namespace WHERE nspname = " + Sql.literal(name)));
    }

    public List<String> columns(String table) {
        return query("public", "SELECT attname FROM pg_attribute WHERE attrelid = " + Sql.literal(Sql.qualified(schema, table))
                + "::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum").stream().map(r -> r.get(0)).toList();
    }

    /** {@code '"schema"."name"'::regclass} for a relation of the target schema, for catalog queries. */
    public String regclass(String relation) {
        return Sql.literal(Sql.qualified(schema, relation)) + "::regclass";
    }

    /** Whether a relation (table, index, view, sequence) of this physical name exists in the target schema. */
    public boolean relationExists(String relation) {
        return scalar("public", "SELECT to_regclass(" + Sql.literal(Sql.qualified(schema, relation)) + ")") != null;
    }

    /** The server's version as a number, e.g. 170002, for features newer than the oldest supported release. */
    public int serverVersionNum() {
        return Integer.parseInt(scalar("public", "SHOW server_version_num"));
    }

    /** The SQLSTATE of a foreign key's ON DELETE/UPDATE RESTRICT: its own since PostgreSQL 18, before that 23503. */
    public String restrictViolation() {
        return serverVersionNum() >= 180000 ? "23001" : "23503";
    }

    /** Everything pgroll leaves while a migration is active: hidden columns, triggers, functions. */
    public List<String> leftovers() {
        return query("public", """
                SELECT 'column ' || c.relname || '.' || a.attname FROM pg_attribute a
                  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND c.relkind IN ('r', 'p') AND a.attname LIKE '\\_pgroll\\_%%' AND NOT a.attisdropped AND a.attnum > 0
                UNION ALL
                SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %1$s AND t.tgname LIKE '\\_pgroll\\_%%'
                UNION ALL
                SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = %1$s AND p.proname LIKE '\\_pgroll\\_%%'
                UNION ALL
                SELECT 'relation ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND c.relname LIKE '\\_pgroll\\_%%'
                UNION ALL
                SELECT 'constraint ' || conname FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
                  WHERE n.nspname = %1$s AND conname LIKE '\\_pgroll\\_%%'
                """.formatted(Sql.literal(schema))).stream().map(r -> r.get(0)).toList();
    }

    /**
     * The whole life of a migration, as pgroll's own suite runs it: start, checks, rollback, checks (and nothing of
     * the migration left behind), start again, checks, complete, checks (and nothing hidden left behind).
     */
    public void lifecycle(String name, String json, Check afterStart, Check afterRollback, Check afterComplete) {
        List<String> before = leftovers();
        start(name, json);
        afterStart.check(this);
        roll.rollback();
        assertEquals(before, leftovers(), "rollback left objects behind");
        assertEquals(false, schemaExists(version(name)), "rollback left the version schema");
        afterRollback.check(this);
        start(name, json);
        afterStart.check(this);
        roll.complete();
        assertEquals(List.of(), leftovers(), "complete left hidden objects behind");
        afterComplete.check(this);
    }

    /** A set of assertions run against the database at one point of the lifecycle. */
    @FunctionalInterface
    public interface Check {
        Check NONE = h -> { };

        void check(Harness h);
    }

    /** A client statement failed; carries the SQLSTATE. */
    public static final class ClientError extends RuntimeException {
        private final String sqlState;

        ClientError(SQLException e) {
            super(e.getMessage(), e);
            this.sqlState = e.getSQLState();
        }

        public String sqlState() {
            return sqlState;
        }
    }
}
