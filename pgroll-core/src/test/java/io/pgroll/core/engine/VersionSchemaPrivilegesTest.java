package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application role that was granted privileges on the tables only (the usual set-up, done after the first version
 * schema exists) works through the version schemas as far as, and no further than, the tables let it.
 */
class VersionSchemaPrivilegesTest extends HarnessTest {
    private static final String TABLES = "priv_tables";
    private static final String COLUMNS = "priv_columns";
    private static final String NOTES_ONLY = "priv_notes_only";
    private static final String NONE = "priv_none";
    private static final String ODD = "priv \"odd\"; role";

    /** Adds a NOT NULL column filled by up and changes a column's type: both live in hidden copies meanwhile. */
    private static final String CHANGE = """
            {"operations":[
              {"add_column":{"table":"users","up":"name || '@example.com'","column":{"name":"email","type":"text"}}},
              {"alter_column":{"table":"users","column":"age","type":"integer",
                "up":"CAST(age AS integer)","down":"CAST(age AS text)"}}]}""";

    private static final String TYPE_CHANGE = """
            {"operations":[{"alter_column":{"table":"users","column":"age","type":"integer",
              "up":"CAST(age AS integer)","down":"CAST(age AS text)"}}]}""";

    private String v1;
    private String v2;

    @BeforeEach
    void setUp() {
        for (String role : List.of(TABLES, COLUMNS, NOTES_ONLY, NONE, ODD)) {
            h.execRaw("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + Sql.literal(role)
                    + ") THEN CREATE ROLE " + Sql.ident(role) + " NOLOGIN; END IF; END $$");
        }
        v1 = h.version("01_create");
        v2 = h.version("02_change");
    }

    private void createUsersAndNotes() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"users","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text"},{"name":"age","type":"text","nullable":true}]}},
                  {"create_table":{"name":"notes","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"body","type":"text","nullable":true}]}}]}""");
        h.execRaw("INSERT INTO users (name, age) VALUES ('ann', '30')", "INSERT INTO notes (body) VALUES ('hi')");
    }

    /** What an administrator grants the application once the tables exist: USAGE on the schema and table privileges. */
    private void grant(String role, String... grants) {
        List<String> statements = new ArrayList<>();
        statements.add("GRANT USAGE ON SCHEMA " + Sql.ident(h.schema) + " TO " + Sql.ident(role));
        statements.add("GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + Sql.ident(h.schema) + " TO " + Sql.ident(role));
        for (String g : grants) {
            statements.add("GRANT " + g + " TO " + Sql.ident(role));
        }
        h.execRaw(statements.toArray(String[]::new));
    }

    /** Column privileges on every column of users, so that a security_invoker view of them can be read. */
    private void grantColumns() {
        grant(COLUMNS, "SELECT (id, name, age), INSERT (name, age), UPDATE (age) ON " + Sql.qualified(h.schema, "users"));
    }

    @Test
    void tablePrivilegesReachBothVersionsAndTheNewOneAfterComplete() throws SQLException {
        createUsersAndNotes();
        h.execRaw("CREATE TABLE tags (tag text)"); // outside any migration: the first version has no view of it
        grant(TABLES, "SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + Sql.ident(h.schema),
                "ALL ON " + Sql.qualified(h.schema, "notes")); // every kind a table can grant, MAINTAIN on 17
        h.execRaw("GRANT SELECT ON " + Sql.qualified(h.schema, "users") + " TO " + TABLES + " WITH GRANT OPTION");
        refused(TABLES, v1, "SELECT * FROM " + Sql.qualified(v1, "users")); // made before the grant
        h.start("02_change", CHANGE);

        as(TABLES, v1, "INSERT INTO users (name, age) VALUES ('bob', '41')", "UPDATE users SET age = '31' WHERE name = 'ann'");
        as(TABLES, v2, "INSERT INTO users (name, age, email) VALUES ('cy', 52, 'cy@x')",
                "UPDATE users SET age = age + 1 WHERE name = 'bob'", "DELETE FROM notes");
        assertEquals(List.of(List.of("ann", "31"), List.of("bob", "42"), List.of("cy", "52")),
                as(TABLES, v1, "SELECT name, age FROM users ORDER BY id"));
        as(TABLES, v2, "INSERT INTO tags VALUES ('t')");
        assertEquals(List.of(List.of("ann", "31", "ann@example.com"), List.of("bob", "42", "bob@example.com"),
                List.of("cy", "52", "cy@x")), as(TABLES, v2, "SELECT name, age, email FROM users ORDER BY id"));
        for (String version : List.of(v1, v2)) {
            assertEquals("t", privilege(TABLES, version, "users", "SELECT WITH GRANT OPTION"));
            assertEquals("f", privilege(TABLES, version, "users", "INSERT WITH GRANT OPTION"));
            for (String privilege : List.of("TRUNCATE", "REFERENCES", "TRIGGER")) {
                assertEquals("t", privilege(TABLES, version, "notes", privilege));
            }
            assertEquals("f", privilege(TABLES, version, "users", "TRUNCATE"));
        }

        h.roll.complete();
        as(TABLES, v2, "INSERT INTO users (name, age, email) VALUES ('di', 60, 'di@x')",
                "UPDATE users SET age = age + 1 WHERE name = 'di'", "DELETE FROM users WHERE name = 'cy'");
        assertEquals(List.of(List.of("ann", "31"), List.of("bob", "42"), List.of("di", "61")),
                as(TABLES, v2, "SELECT name, age FROM users ORDER BY id"));
    }

    @Test
    void aTableTheMigrationDropsStaysReachableThroughThePreviousVersion() throws SQLException {
        createUsersAndNotes();
        grant(TABLES, "SELECT ON ALL TABLES IN SCHEMA " + Sql.ident(h.schema));
        h.start("02_change", """
                {"operations":[{"drop_table":{"name":"notes"}}]}""");
        // start has renamed the table out of the way; the previous version's view still reads it
        assertEquals(List.of(List.of("hi")), as(TABLES, v1, "SELECT body FROM notes"));
        assertEquals(List.of(List.of("ann")), as(TABLES, v2, "SELECT name FROM users"));
    }

    @Test
    void columnPrivilegesFollowAChangedColumnIntoItsCopy() throws SQLException {
        createUsersAndNotes();
        grantColumns();
        h.start("02_change", TYPE_CHANGE);

        as(COLUMNS, v1, "INSERT INTO users (name, age) VALUES ('bob', '41')", "UPDATE users SET age = '31' WHERE id = 1");
        as(COLUMNS, v2, "INSERT INTO users (name, age) VALUES ('cy', 50)", "UPDATE users SET age = age + 1 WHERE name = 'bob'");
        List<List<String>> rows = List.of(List.of("1", "ann", "31"), List.of("2", "bob", "42"), List.of("3", "cy", "50"));
        assertEquals(rows, as(COLUMNS, v1, "SELECT id, name, age FROM users ORDER BY id"));
        assertEquals(rows, as(COLUMNS, v2, "SELECT id, name, age FROM users ORDER BY id"));
        refused(COLUMNS, v1, "UPDATE users SET name = 'x'");
        refused(COLUMNS, v2, "UPDATE users SET name = 'x'");

        h.roll.complete();
        as(COLUMNS, v2, "UPDATE users SET age = age + 1 WHERE id = 1", "INSERT INTO users (name, age) VALUES ('di', 60)");
        assertEquals(List.of(List.of("ann", "32"), List.of("bob", "42"), List.of("cy", "50"), List.of("di", "60")),
                as(COLUMNS, v2, "SELECT name, age FROM users ORDER BY id"));
        refused(COLUMNS, v2, "UPDATE users SET name = 'x'");
        // The copy, renamed into place, kept the original's column privileges.
        assertEquals("t", h.scalar("public", "SELECT has_column_privilege(" + Sql.literal(COLUMNS) + ", "
                + h.regclass("users") + ", 'age', 'UPDATE')"));
    }

    @Test
    void aNewColumnIsNotGrantedToRolesWithColumnPrivileges() throws SQLException {
        createUsersAndNotes();
        grantColumns();
        h.start("02_change", CHANGE);

        as(COLUMNS, v1, "INSERT INTO users (name, age) VALUES ('bob', '41')", "UPDATE users SET age = '31' WHERE id = 1");
        List<List<String>> rows = List.of(List.of("1", "ann", "31"), List.of("2", "bob", "41"));
        assertEquals(rows, as(COLUMNS, v1, "SELECT id, name, age FROM users ORDER BY id"));
        refused(COLUMNS, v2, "SELECT email FROM users");
        if (h.serverVersionNum() >= 150000) {
            // A security_invoker view needs SELECT on every table column it reads, whichever the query asks for: the
            // new version shows email, which the role may not read.
            refused(COLUMNS, v2, "SELECT id, name, age FROM users ORDER BY id");
        } else {
            assertEquals(rows, as(COLUMNS, v2, "SELECT id, name, age FROM users ORDER BY id"));
        }

        h.roll.complete();
        // A grant made after the views were created reaches them only from the next start: it is given on both.
        for (String relation : List.of(Sql.qualified(h.schema, "users"), Sql.qualified(v2, "users"))) {
            h.execRaw("GRANT SELECT (email), INSERT (email) ON " + relation + " TO " + COLUMNS);
        }
        as(COLUMNS, v2, "INSERT INTO users (name, age, email) VALUES ('cy', 50, 'cy@x')",
                "UPDATE users SET age = age + 1 WHERE name = 'cy'");
        assertEquals(List.of(List.of("ann", "31", "ann@example.com"), List.of("bob", "41", "bob@example.com"),
                List.of("cy", "51", "cy@x")), as(COLUMNS, v2, "SELECT name, age, email FROM users ORDER BY id"));
    }

    @Test
    void rolesWithoutPrivilegesOnTheTableAreRefusedOnBothVersions() throws SQLException {
        createUsersAndNotes();
        grant(NOTES_ONLY, "SELECT ON " + Sql.qualified(h.schema, "notes"));
        h.start("02_change", CHANGE);
        for (String version : List.of(v1, v2)) {
            assertEquals(List.of(List.of("hi")), as(NOTES_ONLY, version, "SELECT body FROM notes"));
            // Qualified: a schema without USAGE is left out of the search_path, and the view would not be found.
            String users = Sql.qualified(version, "users");
            for (String role : List.of(NOTES_ONLY, NONE)) {
                refused(role, version, "SELECT id FROM " + users);
                refused(role, version, "INSERT INTO " + users + " (name) VALUES ('x')");
                refused(role, version, "DELETE FROM " + users);
            }
            refused(NOTES_ONLY, version, "DELETE FROM notes");
        }
    }

    @Test
    void hostileNamesAreJustNames() throws SQLException {
        String table = "\"; drop table x; --";
        String column = "it's \"c\"";
        String t = Sql.ident(table);
        String c = Sql.ident(column);
        h.execRaw("CREATE TABLE x ()");
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":%s,"columns":[{"name":"id","type":"serial","pk":true},
                  {"name":%s,"type":"text","nullable":true}]}}]}""".formatted(json(table), json(column)));
        grant(ODD, "SELECT, INSERT ON " + Sql.qualified(h.schema, table),
                "UPDATE (" + c + ") ON " + Sql.qualified(h.schema, table));
        h.execRaw("GRANT SELECT ON " + Sql.qualified(h.schema, table) + " TO PUBLIC");
        h.start("02_change", """
                {"operations":[{"alter_column":{"table":%s,"column":%s,"type":"integer","up":%s,"down":%s}}]}"""
                .formatted(json(table), json(column), json("CAST(" + c + " AS integer)"), json("CAST(" + c + " AS text)")));

        as(ODD, v1, "INSERT INTO " + t + " (" + c + ") VALUES ('5')");
        as(ODD, v2, "INSERT INTO " + t + " (" + c + ") VALUES (6)", "UPDATE " + t + " SET " + c + " = " + c + " + 10");
        assertEquals(List.of(List.of("15"), List.of("16")), as(ODD, v1, "SELECT " + c + " FROM " + t + " ORDER BY id"));
        // PUBLIC's privilege: a role granted nothing on the table itself may read it, and not write.
        assertEquals(List.of(List.of("15"), List.of("16")), as(NONE, v2, "SELECT " + c + " FROM " + t + " ORDER BY id"));
        refused(NONE, v2, "INSERT INTO " + t + " (" + c + ") VALUES (7)");

        h.roll.complete();
        as(ODD, v2, "UPDATE " + t + " SET " + c + " = " + c + " + 10");
        assertEquals(List.of(List.of("25"), List.of("26")), as(ODD, v2, "SELECT " + c + " FROM " + t + " ORDER BY id"));
        assertTrue(h.relationExists("x"), "the injected statement never ran");
    }

    /** Runs statements as {@code role}, a client of {@code version}; the rows of the last one. */
    private List<List<String>> as(String role, String version, String... statements) throws SQLException {
        try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + Sql.ident(version));
            s.execute("SET ROLE " + Sql.ident(role));
            List<List<String>> rows = List.of();
            for (String sql : statements) {
                rows = s.execute(sql) ? rows(s.getResultSet()) : List.of();
            }
            return rows;
        }
    }

    private static List<List<String>> rows(ResultSet rs) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private void refused(String role, String version, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> as(role, version, sql), sql);
        assertEquals("42501", e.getSQLState(), e.getMessage());
    }

    private String privilege(String role, String version, String view, String privilege) {
        return h.scalar("public", "SELECT has_table_privilege(" + Sql.literal(role) + ", "
                + Sql.literal(Sql.qualified(version, view)) + ", " + Sql.literal(privilege) + ")");
    }

    private static String json(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
