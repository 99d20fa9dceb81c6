package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RenameColumnTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true,"default":"'anon'",
                    "check":{"name":"name_length","constraint":"length(name) < 20"}}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name) VALUES ('alice'), ('bob')");
    }

    @Test
    void oldAndNewNamesWorkAtTheSameTimeInTheirVersions() {
        String v2 = h.version("02_rename");
        h.lifecycle("02_rename", """
                {"operations":[{"rename_column":{"table":"users","from":"name","to":"Full Name"}}]}""",
                db -> {
                    db.assertFails("42703", v1, "SELECT \"Full Name\" FROM users");
                    db.assertFails("42703", v2, "SELECT name FROM users");
                    db.exec(v1, "DELETE FROM users WHERE id > 2", "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("carol", db.scalar(v2, "SELECT \"Full Name\" FROM users WHERE id > 2"));
                    db.exec(v2, "UPDATE users SET \"Full Name\" = 'dave' WHERE \"Full Name\" = 'carol'");
                    assertEquals("dave", db.scalar(v1, "SELECT name FROM users WHERE id > 2"));
                    // the default and the check follow the column into the new version
                    db.exec(v2, "INSERT INTO users DEFAULT VALUES");
                    assertEquals("anon", db.scalar(v1, "SELECT name FROM users ORDER BY id DESC LIMIT 1"));
                    db.assertFails("23514", v2, "INSERT INTO users (\"Full Name\") VALUES (repeat('x', 30))");
                    assertEquals(List.of("id", "name"), db.columns("users"));
                },
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    assertEquals(List.of("alice", "bob", "dave", "anon"), names(db, v1, "name"));
                },
                db -> {
                    assertEquals(List.of("id", "Full Name"), db.columns("users"));
                    assertEquals(List.of("alice", "bob", "dave", "anon"), names(db, v2, "\"Full Name\""));
                    db.exec(v2, "INSERT INTO users DEFAULT VALUES");
                    assertEquals("anon", db.scalar(v2, "SELECT \"Full Name\" FROM users ORDER BY id DESC LIMIT 1"));
                    db.assertFails("23514", v2, "INSERT INTO users (\"Full Name\") VALUES (repeat('x', 30))");
                });
    }

    @Test
    void laterOperationsUseTheNewName() {
        String v2 = h.version("02_rename_and_more");
        h.lifecycle("02_rename_and_more", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"username"}},
                  {"create_index":{"name":"users_username_idx","table":"users","columns":[{"column":"username"}],
                    "predicate":"username <> 'anon'"}},
                  {"add_column":{"table":"users","up":"upper(username)",
                    "column":{"name":"shout","type":"text","nullable":true}}}]}""",
                db -> {
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB")),
                            db.query(v2, "SELECT username, shout FROM users WHERE id <= 2 ORDER BY id"));
                    db.exec(v1, "DELETE FROM users WHERE id > 2", "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("CAROL", db.scalar(v2, "SELECT shout FROM users WHERE username = 'carol'"));
                    String index = db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass("users_username_idx") + ")");
                    assertTrue(index.endsWith("USING btree (name) WHERE (name <> 'anon'::text)"), index);
                },
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    assertFalse(db.relationExists("users_username_idx"));
                },
                db -> {
                    assertEquals(List.of("id", "username", "shout"), db.columns("users"));
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB"), List.of("carol", "CAROL")),
                            db.query(v2, "SELECT username, shout FROM users ORDER BY id"));
                    String index = db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass("users_username_idx") + ")");
                    assertTrue(index.endsWith("USING btree (username) WHERE (username <> 'anon'::text)"), index);
                });
    }

    @Test
    void renameThenDropTheRenamedColumn() {
        String v2 = h.version("02_rename_drop");
        h.lifecycle("02_rename_drop", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"nickname"}},
                  {"drop_column":{"table":"users","column":"nickname","down":"'from v2'"}}]}""",
                db -> {
                    db.assertFails("42703", v2, "SELECT nickname FROM users");
                    db.exec(v2, "DELETE FROM users WHERE id > 2", "INSERT INTO users (id) VALUES (100)");
                    assertEquals("from v2", db.scalar(v1, "SELECT name FROM users WHERE id = 100"));
                },
                db -> assertEquals(List.of("alice", "bob", "from v2"), names(db, v1, "name")),
                db -> {
                    assertEquals(List.of("id"), db.columns("users"));
                    assertEquals("3", db.scalar(v2, "SELECT count(*) FROM users"));
                });
    }

    @Test
    void renameColumnThenRenameItsTable() {
        String v2 = h.version("02_column_then_table");
        h.lifecycle("02_column_then_table", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"username"}},
                  {"rename_table":{"from":"users","to":"people"}}]}""",
                db -> {
                    db.exec(v2, "DELETE FROM people WHERE id > 2", "INSERT INTO people (username) VALUES ('carol')");
                    assertEquals("carol", db.scalar(v1, "SELECT name FROM users WHERE id > 2"));
                },
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    // both renames happen physically, whatever their order in the migration
                    assertEquals(List.of("id", "username"), db.columns("people"));
                    assertEquals(List.of("alice", "bob", "carol"), db.query(v2, "SELECT username FROM people ORDER BY id")
                            .stream().map(r -> r.get(0)).toList());
                });
    }

    private static List<String> names(Harness db, String version, String column) {
        return db.query(version, "SELECT " + column + " FROM users ORDER BY id").stream().map(r -> r.get(0)).toList();
    }

    @Test
    void renameAColumnAddedEarlierInTheSameMigration() {
        String v2 = h.version("02_add_rename");
        h.lifecycle("02_add_rename", """
                {"operations":[
                  {"add_column":{"table":"users","up":"upper(name)","column":{"name":"shout","type":"text","nullable":true}}},
                  {"rename_column":{"table":"users","from":"shout","to":"yell"}}]}""",
                db -> assertEquals("ALICE", db.scalar(v2, "SELECT yell FROM users WHERE id = 1")),
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    assertEquals(List.of("id", "name", "yell"), db.columns("users"));
                    assertEquals("ALICE", db.scalar(v2, "SELECT yell FROM users WHERE id = 1"));
                });
    }

    @Test
    void renameThenAlterTheRenamedColumn() {
        String v2 = h.version("02_rename_alter");
        h.lifecycle("02_rename_alter", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"username"}},
                  {"alter_column":{"table":"users","column":"username","type":"varchar(30)",
                    "up":"username","down":"username"}}]}""",
                db -> {
                    db.exec(v1, "DELETE FROM users WHERE id > 2", "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("carol", db.scalar(v2, "SELECT username FROM users WHERE id > 2"));
                },
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    assertEquals(List.of("id", "username"), db.columns("users"));
                    assertEquals("character varying(30)", db.scalar("public", "SELECT format_type(atttypid, atttypmod) "
                            + "FROM pg_attribute WHERE attname = 'username' AND attrelid = " + db.regclass("users")));
                });
    }
}
