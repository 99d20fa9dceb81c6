package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
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
}
