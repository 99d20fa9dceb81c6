package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.Status;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which version a client is on, as the sync triggers decide it, and version schema names clients can use. */
class VersionClientsTest extends HarnessTest {
    private static final String NOT_NULL_NAME = """
            {"operations":[{"alter_column":{"table":"users","column":"name","nullable":false,
              "up":"coalesce(name, 'anonymous')","down":"name"}}]}""";

    @BeforeEach
    void setUp() {
        h.createUsers();
    }

    /** Runs statements in a session whose search_path is set to {@code path} as given. */
    private void execWithPath(String path, String... statements) throws SQLException {
        try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + path);
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void aClientWhoseFirstSchemaIsTheNewVersionIsANewVersionClient() throws SQLException {
        h.start("02_not_null", NOT_NULL_NAME);
        String v1 = h.version("01_create");
        String v2 = h.version("02_not_null");
        execWithPath("\"" + v2 + "\", public", "INSERT INTO users (name) VALUES ('bob')");
        execWithPath("\"$user\", \"" + v2 + "\"", "INSERT INTO users (name) VALUES ('carol')");
        assertEquals(List.of("bob", "carol"), h.query(v2, "SELECT name FROM users ORDER BY id").stream()
                .map(r -> r.get(0)).toList());
        assertEquals(List.of("bob", "carol"), h.query(v1, "SELECT name FROM users ORDER BY id").stream()
                .map(r -> r.get(0)).toList());
        // and one whose first schema is the old version is an old-version client
        execWithPath("\"" + v1 + "\", \"" + v2 + "\"", "INSERT INTO users (name) VALUES (NULL)");
        assertEquals("anonymous", h.scalar(v2, "SELECT name FROM users WHERE id = 3"));
        h.roll.complete();
    }

    @Test
    void versionSchemaNamesThatSearchPathWouldSplitAreRejected() {
        for (String name : List.of("02_a,b", "02_a b", "02_a\"b", "02_a\\b")) {
            MigrationFileException e = assertThrows(MigrationFileException.class,
                    () -> h.roll.validate(Harness.migration("02_x", "{\"version_schema\":\"" + name.replace("\\", "\\\\")
                            .replace("\"", "\\\"") + "\",\"operations\":[{\"sql\":{\"up\":\"SELECT 1\"}}]}")));
            assertEquals("version_schema", e.path(), e.getMessage());
        }
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_a,b", """
                {"operations":[{"sql":{"up":"SELECT 1"}}]}"""));
        assertEquals("version schema name \"" + h.schema + "_02_a,b\" contains ',', which clients cannot put in "
                + "search_path as it is (use letters, digits, '_', '-' or '.')", e.detail());
        assertFalse(h.schemaExists(h.schema + "_02_a,b"));
        assertEquals(Status.COMPLETE, h.roll.status().status());
        h.startAndComplete("02_Upper-case.and.dots", """
                {"operations":[{"sql":{"up":"SELECT 1"}}]}""");
    }

    @Test
    void upAndDownResolveNamesInTheTargetSchemaWhateverTheClientsPath() {
        h.execRaw("CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) || '!' $$",
                "CREATE FUNCTION whisper(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$");
        String v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name) VALUES ('ann')");
        // a down that cannot run fails the start instead of every new-version write afterwards
        PgRollException e = assertThrows(PgRollException.class, () -> h.start("02_shout", """
                {"operations":[{"alter_column":{"table":"users","column":"name","type":"varchar(100)",
                  "up":"shout(name)","down":"no_such_function(name)"}}]}"""));
        assertTrue(e.getMessage().contains("down expression for column \"name\" of table \"users\" cannot run: "
                + "function no_such_function(character varying) does not exist"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; changes rolled back"), e.getMessage());

        h.start("02_shout", """
                {"operations":[{"alter_column":{"table":"users","column":"name","type":"varchar(100)",
                  "up":"shout(name)","down":"whisper(name)"}},
                  {"alter_column":{"table":"users","column":"id","type":"bigint","up":"id + 0","down":"id"}}]}""");
        String v2 = h.version("02_shout");
        assertEquals("ANN!", h.scalar(v2, "SELECT name FROM users"));
        // clients whose search_path holds only their version schema of views
        h.exec(v1, "INSERT INTO users (name) VALUES ('bob')");
        assertEquals("BOB!", h.scalar(v2, "SELECT name FROM users WHERE id = 2"));
        h.exec(v2, "UPDATE users SET name = 'CAROL' WHERE id = 2");
        assertEquals("carol", h.scalar(v1, "SELECT name FROM users WHERE id = 2"));
        // only the functions whose expression names something outside pg_catalog carry a search_path
        assertEquals(List.of(List.of("_pgroll_trigger_users__pgroll_new_id", "-"),
                        List.of("_pgroll_trigger_users__pgroll_new_name", "search_path=" + h.schema),
                        List.of("_pgroll_trigger_users_id", "-"),
                        List.of("_pgroll_trigger_users_name", "search_path=" + h.schema)),
                h.query("public", "SELECT proname, COALESCE(array_to_string(proconfig, ','), '-') FROM pg_proc "
                        + "WHERE proname LIKE '\\_pgroll\\_trigger%' ORDER BY 1"));
        h.roll.complete();
    }
}
