package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropColumnTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true},
                  {"name":"email","type":"text"},
                  {"name":"Legacy Code","type":"integer","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name, email, \"Legacy Code\") VALUES ('alice', 'alice@old', 1), ('bob', 'bob@old', 2)");
    }

    @Test
    void downFillsTheDroppedColumnWhenTheNewVersionWrites() {
        String v2 = h.version("02_drop_email");
        h.lifecycle("02_drop_email", """
                {"operations":[{"drop_column":{"table":"users","column":"email","down":"lower(name) || '@example.com'"}}]}""",
                db -> {
                    db.assertFails("42703", v2, "SELECT email FROM users");
                    db.exec(v2, "DELETE FROM users WHERE id > 2");
                    // email is NOT NULL: without down the new version could not insert at all
                    db.exec(v2, "INSERT INTO users (name) VALUES ('Carol')");
                    assertEquals("carol@example.com", db.scalar(v1, "SELECT email FROM users WHERE name = 'Carol'"));
                    db.exec(v2, "UPDATE users SET name = 'Dave' WHERE name = 'Carol'");
                    assertEquals("dave@example.com", db.scalar(v1, "SELECT email FROM users WHERE name = 'Dave'"));
                    // the old version still writes the column itself; the trigger leaves its writes alone
                    db.exec(v1, "INSERT INTO users (name, email) VALUES ('erin', 'erin@mine')");
                    assertEquals("erin@mine", db.scalar(v1, "SELECT email FROM users WHERE name = 'erin'"));
                    db.assertFails("23502", v1, "INSERT INTO users (name) VALUES ('frank')");
                    // existing rows are not rewritten
                    assertEquals("alice@old", db.scalar(v1, "SELECT email FROM users WHERE name = 'alice'"));
                },
                db -> {
                    assertEquals(List.of("id", "name", "email", "Legacy Code"), db.columns("users"));
                    assertEquals(List.of("alice@old", "bob@old", "dave@example.com", "erin@mine"),
                            db.query(v1, "SELECT email FROM users ORDER BY id").stream().map(r -> r.get(0)).toList());
                    // the trigger is gone with the rollback: the old version must supply email again
                    db.assertFails("23502", v1, "INSERT INTO users (name) VALUES ('frank')");
                },
                db -> {
                    assertEquals(List.of("id", "name", "Legacy Code"), db.columns("users"));
                    assertEquals(List.of("alice", "bob", "Dave", "erin"),
                            db.query(v2, "SELECT name FROM users ORDER BY id").stream().map(r -> r.get(0)).toList());
                    db.exec(v2, "INSERT INTO users (name) VALUES ('frank')");
                    assertFalse(db.schemaExists(v1));
                });
    }

    @Test
    void dropsAColumnWhoseNameNeedsQuotingWithoutDown() {
        String v2 = h.version("02_drop_code");
        h.lifecycle("02_drop_code", """
                {"operations":[{"drop_column":{"table":"users","column":"Legacy Code"}}]}""",
                db -> {
                    db.assertFails("42703", v2, "SELECT \"Legacy Code\" FROM users");
                    db.exec(v2, "DELETE FROM users WHERE id > 2",
                            "INSERT INTO users (name, email) VALUES ('carol', 'c@new')");
                    assertEquals(Arrays.asList("carol", null),
                            db.query(v1, "SELECT name, \"Legacy Code\" FROM users WHERE id > 2").get(0));
                    db.exec(v1, "UPDATE users SET \"Legacy Code\" = 3 WHERE name = 'carol'");
                    assertEquals("3", db.scalar(v1, "SELECT \"Legacy Code\" FROM users WHERE name = 'carol'"));
                },
                db -> assertEquals(List.of("1", "2", "3"), db.query(v1, "SELECT \"Legacy Code\" FROM users ORDER BY id")
                        .stream().map(r -> r.get(0)).toList()),
                db -> {
                    assertEquals(List.of("id", "name", "email"), db.columns("users"));
                    assertEquals("3", db.scalar(v2, "SELECT count(*) FROM users"));
                });
    }

    @Test
    void downSeesEveryColumnOfTheRowByItsVirtualName() {
        String v2 = h.version("02_drop_name");
        h.lifecycle("02_drop_name", """
                {"operations":[{"drop_column":{"table":"users","column":"name",
                  "down":"split_part(email, '@', 1) || '#' || coalesce(\\"Legacy Code\\", 0)"}}]}""",
                db -> {
                    db.exec(v2, "DELETE FROM users WHERE id > 2",
                            "INSERT INTO users (email, \"Legacy Code\") VALUES ('zoe@x', 7)");
                    assertEquals("zoe#7", db.scalar(v1, "SELECT name FROM users WHERE email = 'zoe@x'"));
                },
                Harness.Check.NONE,
                db -> assertEquals(List.of("id", "email", "Legacy Code"), db.columns("users")));
    }

    @Test
    void dropColumnThenRenameItsTable() {
        String v2 = h.version("02_drop_then_rename");
        h.lifecycle("02_drop_then_rename", """
                {"operations":[
                  {"drop_column":{"table":"users","column":"email","down":"'unknown'"}},
                  {"rename_table":{"from":"users","to":"people"}}]}""",
                db -> {
                    db.exec(v2, "DELETE FROM people WHERE id > 2", "INSERT INTO people (name) VALUES ('carol')");
                    assertEquals("unknown", db.scalar(v1, "SELECT email FROM users WHERE name = 'carol'"));
                },
                db -> assertEquals(List.of("id", "name", "email", "Legacy Code"), db.columns("users")),
                db -> {
                    // the column is dropped physically although its table has a new name by then
                    assertEquals(List.of("id", "name", "Legacy Code"), db.columns("people"));
                    db.assertFails("42703", v2, "SELECT email FROM people");
                });
    }

    @Test
    void quotedTableAndColumnNamesReachTheTriggerIntact() {
        String t = Sql.ident("\"; drop table users; --");
        h.startAndComplete("02_odd", """
                {"operations":[{"create_table":{"name":"\\"; drop table users; --","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"Full Name","type":"text","nullable":true},
                  {"name":"it's","type":"text"}]}}]}""");
        String v2 = h.version("02_odd");
        String v3 = h.version("03_drop_odd");
        h.lifecycle("03_drop_odd", """
                {"operations":[{"drop_column":{"table":"\\"; drop table users; --","column":"it's",
                  "down":"'<' || \\"Full Name\\" || '>'"}}]}""",
                db -> {
                    db.exec(v3, "DELETE FROM " + t, "INSERT INTO " + t + " (\"Full Name\") VALUES ('Ann O''Neil')");
                    assertEquals("<Ann O'Neil>", db.scalar(v2, "SELECT \"it's\" FROM " + t));
                    assertEquals("2", db.scalar(v2, "SELECT count(*) FROM users"));
                },
                db -> assertEquals(List.of("id", "Full Name", "it's"), db.columns("\"; drop table users; --")),
                db -> {
                    assertEquals(List.of("id", "Full Name"), db.columns("\"; drop table users; --"));
                    assertEquals("2", db.scalar(v3, "SELECT count(*) FROM users"));
                });
    }
}
