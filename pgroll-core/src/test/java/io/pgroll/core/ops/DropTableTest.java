package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropTableTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name) VALUES ('alice'), ('bob')");
    }

    @Test
    void oldVersionKeepsReadingAndWritingTheTableUntilComplete() {
        String v2 = h.version("02_drop");
        h.lifecycle("02_drop", """
                {"operations":[{"drop_table":{"name":"users"}}]}""",
                db -> {
                    db.assertFails("42P01", v2, "SELECT 1 FROM users");
                    assertEquals(List.of("alice", "bob"), names(db, v1).subList(0, 2));
                    // writes through the old version go on, serial default included
                    db.exec(v1, "DELETE FROM users WHERE name = 'carol'", "INSERT INTO users (name) VALUES ('carol')",
                            "UPDATE users SET name = 'BOB' WHERE name = 'bob'");
                    assertEquals(List.of("alice", "BOB", "carol"), names(db, v1));
                    db.exec(v1, "UPDATE users SET name = 'bob' WHERE name = 'BOB'");
                    assertTrue(db.relationExists("_pgroll_del_users"), "the table is only renamed out of the way");
                    assertFalse(db.relationExists("users"));
                },
                db -> {
                    // rollback brings the table back under its name, with what the old version wrote meanwhile
                    assertTrue(db.relationExists("users"));
                    assertFalse(db.relationExists("_pgroll_del_users"));
                    assertEquals(List.of("alice", "bob", "carol"), names(db, v1));
                    db.exec(v1, "INSERT INTO users (name) VALUES ('dave')");
                    assertEquals("4", db.scalar(v1, "SELECT count(DISTINCT id) FROM users"));
                    db.exec(v1, "DELETE FROM users WHERE name = 'dave'");
                },
                db -> {
                    assertFalse(db.relationExists("users"));
                    assertFalse(db.relationExists("_pgroll_del_users"));
                    assertFalse(db.relationExists("users_id_seq"), "the owned sequence goes with the table");
                    assertFalse(db.schemaExists(v1));
                    db.assertFails("42P01", v2, "SELECT 1 FROM users");
                });
    }

    @Test
    void dropThenCreateTheSameNameInOneMigration() {
        String v2 = h.version("02_replace");
        h.lifecycle("02_replace", """
                {"operations":[
                  {"drop_table":{"name":"users"}},
                  {"create_table":{"name":"users","columns":[
                    {"name":"id","type":"integer","pk":true},
                    {"name":"email","type":"text"}]}}]}""",
                db -> {
                    // each version sees its own table under the same name
                    assertEquals(List.of("alice", "bob"), names(db, v1));
                    db.exec(v2, "DELETE FROM users", "INSERT INTO users (id, email) VALUES (1, 'a@example.com')");
                    db.assertFails("42703", v2, "SELECT name FROM users");
                    db.assertFails("42703", v1, "SELECT email FROM users");
                    db.assertFails("23502", v2, "INSERT INTO users (id) VALUES (2)");
                    db.exec(v1, "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals(List.of(List.of("1", "a@example.com")), db.query(v2, "SELECT id, email FROM users"));
                    db.exec(v1, "DELETE FROM users WHERE name = 'carol'");
                },
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    assertEquals(List.of("alice", "bob"), names(db, v1));
                    assertFalse(db.relationExists("_pgroll_del_users"));
                },
                db -> {
                    assertEquals(List.of("id", "email"), db.columns("users"));
                    assertEquals(List.of(List.of("1", "a@example.com")), db.query(v2, "SELECT id, email FROM users"));
                    assertFalse(db.relationExists("_pgroll_del_users"));
                });
    }

    @Test
    void dropATableCreatedEarlierInTheSameMigration() {
        String v2 = h.version("02_temp");
        h.lifecycle("02_temp", """
                {"operations":[
                  {"create_table":{"name":"scratch","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"drop_table":{"name":"scratch"}}]}""",
                db -> {
                    db.assertFails("42P01", v2, "SELECT 1 FROM scratch");
                    assertEquals(List.of("alice", "bob"), names(db, v2));
                },
                db -> {
                    assertFalse(db.relationExists("scratch"));
                    assertFalse(db.relationExists("_pgroll_del_scratch"));
                },
                db -> {
                    assertFalse(db.relationExists("scratch"));
                    assertFalse(db.relationExists("_pgroll_del_scratch"));
                });
    }

    @Test
    void dropATableRenamedEarlierInTheSameMigration() {
        String v2 = h.version("02_rename_drop");
        h.lifecycle("02_rename_drop", """
                {"operations":[
                  {"rename_table":{"from":"users","to":"people"}},
                  {"drop_table":{"name":"people"}}]}""",
                db -> {
                    db.assertFails("42P01", v2, "SELECT 1 FROM people");
                    assertEquals(List.of("alice", "bob"), names(db, v1));
                },
                db -> {
                    // the table is back under the name it had before the migration
                    assertTrue(db.relationExists("users"));
                    assertFalse(db.relationExists("people"));
                    assertEquals(List.of("alice", "bob"), names(db, v1));
                },
                db -> {
                    assertFalse(db.relationExists("users"));
                    assertFalse(db.relationExists("_pgroll_del_people"));
                });
    }

    private static List<String> names(Harness db, String version) {
        return db.query(version, "SELECT name FROM users ORDER BY id").stream().map(r -> r.get(0)).toList();
    }

    @Test
    void aTableThatAnotherTableReferencesCannotBeDroppedAlone() {
        h.startAndComplete("02_orders", """
                {"operations":[{"create_table":{"name":"orders","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"user_id","type":"integer","references":{"name":"fk_orders_user","table":"users","column":"id"}}]}}]}""");
        // DROP TABLE would only fail at complete, after the previous version is gone
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("03_drop", """
                {"operations":[{"drop_table":{"name":"users"}}]}"""));
        assertEquals("operations[0].drop_table.name", e.path());
        assertEquals("table \"users\" is referenced by foreign key \"fk_orders_user\" of table \"orders\"", e.detail());
        assertThrows(MigrationFileException.class, () -> h.start("03_drop", """
                {"operations":[{"drop_table":{"name":"users"}},{"drop_table":{"name":"orders"}}]}"""));
        // dropping the referencing table first is fine
        h.lifecycle("03_drop_both", """
                {"operations":[{"drop_table":{"name":"orders"}},{"drop_table":{"name":"users"}}]}""",
                Harness.Check.NONE,
                db -> assertTrue(db.relationExists("users") && db.relationExists("orders")),
                db -> assertFalse(db.relationExists("users") || db.relationExists("orders")));
    }
}
