package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RenameTableTest extends HarnessTest {
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
    void bothNamesWorkAtTheSameTimeInTheirVersions() {
        String v2 = h.version("02_rename");
        h.lifecycle("02_rename", """
                {"operations":[{"rename_table":{"from":"users","to":"customers"}}]}""",
                db -> {
                    db.assertFails("42P01", v1, "SELECT 1 FROM customers");
                    db.assertFails("42P01", v2, "SELECT 1 FROM users");
                    db.exec(v1, "DELETE FROM users WHERE name IN ('carol', 'dave')");
                    // a write through either name is read through the other
                    db.exec(v1, "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM customers WHERE name = 'carol'"));
                    db.exec(v2, "INSERT INTO customers (name) VALUES ('dave')");
                    assertEquals("1", db.scalar(v1, "SELECT count(*) FROM users WHERE name = 'dave'"));
                    assertEquals(names(db, v1, "users"), names(db, v2, "customers"));
                    assertTrue(db.relationExists("users"), "the table keeps its name until complete");
                    assertFalse(db.relationExists("customers"));
                },
                db -> {
                    assertTrue(db.relationExists("users"));
                    assertFalse(db.relationExists("customers"));
                    assertEquals(List.of("alice", "bob", "carol", "dave"), names(db, v1, "users"));
                },
                db -> {
                    assertFalse(db.relationExists("users"));
                    assertTrue(db.relationExists("customers"));
                    assertEquals(List.of("alice", "bob", "carol", "dave"), names(db, v2, "customers"));
                    db.exec(v2, "INSERT INTO customers (name) VALUES ('erin')");
                    assertEquals("5", db.scalar(v2, "SELECT count(DISTINCT id) FROM customers"));
                });
    }

    @Test
    void laterOperationsUseTheNewName() {
        String v2 = h.version("02_rename_and_more");
        h.lifecycle("02_rename_and_more", """
                {"operations":[
                  {"rename_table":{"from":"users","to":"customers"}},
                  {"add_column":{"table":"customers","up":"upper(name)",
                    "column":{"name":"shout","type":"text","nullable":true}}},
                  {"create_index":{"name":"customers_shout_idx","table":"customers","columns":[{"column":"shout"}]}}]}""",
                db -> {
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB")),
                            db.query(v2, "SELECT name, shout FROM customers WHERE name IN ('alice', 'bob') ORDER BY id"));
                    db.exec(v1, "DELETE FROM users WHERE name = 'carol'", "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("CAROL", db.scalar(v2, "SELECT shout FROM customers WHERE name = 'carol'"));
                    assertTrue(db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass("customers_shout_idx") + ")")
                            .contains("users USING btree (_pgroll_new_shout)"));
                },
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    assertFalse(db.relationExists("customers_shout_idx"));
                },
                db -> {
                    assertEquals(List.of("id", "name", "shout"), db.columns("customers"));
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB"), List.of("carol", "CAROL")),
                            db.query(v2, "SELECT name, shout FROM customers ORDER BY id"));
                    assertEquals("t", db.scalar("public", "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                            + db.regclass("customers_shout_idx") + " AND indrelid = " + db.regclass("customers")));
                    assertTrue(db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass("customers_shout_idx") + ")")
                            .contains("customers USING btree (shout)"));
                });
    }

    @Test
    void renameDropAndReuseTheNameInOneMigration() {
        h.startAndComplete("02_items", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"integer","pk":true},{"name":"label","type":"text","nullable":true}]}}]}""");
        String v3 = h.version("03_shuffle");
        h.lifecycle("03_shuffle", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"nick"}},
                  {"rename_table":{"from":"users","to":"people"}},
                  {"drop_table":{"name":"people"}},
                  {"rename_table":{"from":"items","to":"users"}}]}""",
                db -> {
                    db.exec(v3, "DELETE FROM users", "INSERT INTO users (id, label) VALUES (1, 'box')");
                    db.assertFails("42P01", v3, "SELECT 1 FROM people");
                },
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    assertEquals(List.of("id", "label"), db.columns("items"));
                },
                db -> {
                    // the old users table is gone; the former items table took its name untouched
                    assertEquals(List.of("id", "label"), db.columns("users"));
                    assertFalse(db.relationExists("items"));
                    assertFalse(db.relationExists("people"));
                    assertEquals("box", db.scalar(v3, "SELECT label FROM users WHERE id = 1"));
                });
    }

    @Test
    void operationsBeforeTheRenameStillApplyToTheTable() {
        String v2 = h.version("02_add_then_rename");
        h.lifecycle("02_add_then_rename", """
                {"operations":[
                  {"add_column":{"table":"users","up":"upper(name)","column":{"name":"shout","type":"text","nullable":true}}},
                  {"rename_table":{"from":"users","to":"customers"}}]}""",
                db -> assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB")),
                        db.query(v2, "SELECT name, shout FROM customers ORDER BY id")),
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    assertEquals(List.of("id", "name", "shout"), db.columns("customers"));
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB")),
                            db.query(v2, "SELECT name, shout FROM customers ORDER BY id"));
                });
    }

    @Test
    void alterColumnThenRenameItsTable() {
        String v2 = h.version("02_alter_then_rename");
        h.lifecycle("02_alter_then_rename", """
                {"operations":[
                  {"alter_column":{"table":"users","column":"name","type":"varchar(40)","up":"name","down":"name"}},
                  {"rename_table":{"from":"users","to":"customers"}}]}""",
                db -> assertEquals(List.of("alice", "bob"), names(db, v2, "customers")),
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("customers"));
                    assertEquals("character varying(40)", db.scalar("public", "SELECT format_type(atttypid, atttypmod) "
                            + "FROM pg_attribute WHERE attname = 'name' AND attrelid = " + db.regclass("customers")));
                });
    }

    private static List<String> names(Harness db, String version, String table) {
        return db.query(version, "SELECT name FROM " + table + " ORDER BY id").stream().map(r -> r.get(0)).toList();
    }
}
