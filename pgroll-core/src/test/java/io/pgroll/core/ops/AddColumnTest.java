package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AddColumnTest extends HarnessTest {
    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"varchar(255)","nullable":true}]}}]}""");
        h.exec(h.version("01_create"), "INSERT INTO users (name) VALUES ('alice'), ('bob'), (NULL)");
    }

    @Test
    void notNullColumnWithUpIsBackfilledAndKeptInSyncFromTheOldVersion() {
        String v1 = h.version("01_create");
        String v2 = h.version("02_add");
        h.lifecycle("02_add", """
                {"operations":[{"add_column":{"table":"users","up":"coalesce(upper(name), 'ANON')",
                  "column":{"name":"shout","type":"text","nullable":false}}}]}""",
                db -> {
                    // backfilled from up for existing rows
                    assertEquals(List.of(List.of("alice", "ALICE"), List.of("bob", "BOB")),
                            db.query(v2, "SELECT name, shout FROM users WHERE name IS NOT NULL ORDER BY id"));
                    assertEquals("ANON", db.scalar(v2, "SELECT shout FROM users WHERE name IS NULL"));
                    // the old version does not see the column; its writes are converted by the up trigger
                    assertFalse(db.query(v1, "SELECT * FROM users").get(0).size() > 2);
                    db.exec(v1, "INSERT INTO users (name) VALUES ('carol')");
                    assertEquals("CAROL", db.scalar(v2, "SELECT shout FROM users WHERE name = 'carol'"));
                    db.exec(v1, "UPDATE users SET name = 'dave' WHERE name = 'carol'");
                    assertEquals("DAVE", db.scalar(v2, "SELECT shout FROM users WHERE name = 'dave'"));
                    // the new version must provide the value: NOT NULL is enforced there (as a check while active)
                    db.exec(v2, "INSERT INTO users (name, shout) VALUES ('erin', 'hi')");
                    db.assertFails("23514", v2, "INSERT INTO users (name) VALUES ('frank')");
                    db.exec(v2, "DELETE FROM users WHERE name IN ('dave', 'erin')");
                },
                db -> assertEquals(List.of("id", "name"), db.columns("users")),
                db -> {
                    assertEquals(List.of("id", "name", "shout"), db.columns("users"));
                    db.assertFails("23502", v2, "INSERT INTO users (name) VALUES ('frank')");
                    assertEquals("BOB", db.scalar(v2, "SELECT shout FROM users WHERE name = 'bob'"));
                    assertFalse(db.schemaExists(v1), "complete drops the previous version schema");
                });
    }

    @Test
    void constantDefaultNeedsNoUpAndNoBackfill() {
        String v2 = h.version("02_default");
        h.lifecycle("02_default", """
                {"operations":[{"add_column":{"table":"users",
                  "column":{"name":"score","type":"integer","default":"10","nullable":false}}}]}""",
                db -> {
                    assertEquals("30", db.scalar(v2, "SELECT sum(score) FROM users"));
                    db.exec(h.version("01_create"), "INSERT INTO users (name) VALUES ('x')");
                    assertEquals("10", db.scalar(v2, "SELECT score FROM users WHERE name = 'x'"));
                    db.exec(v2, "DELETE FROM users WHERE name = 'x'");
                },
                Harness.Check.NONE,
                db -> assertEquals("10", db.scalar(v2, "SELECT column_default FROM information_schema.columns "
                        + "WHERE table_name = 'users' AND column_name = 'score' AND table_schema = '" + db.schema + "'")));
    }

    @Test
    void uniqueColumnIsEnforcedOnlyInTheNewVersion() {
        String v2 = h.version("02_unique");
        h.lifecycle("02_unique", """
                {"operations":[{"add_column":{"table":"users","up":"'u' || id",
                  "column":{"name":"handle","type":"text","unique":true,"nullable":true}}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO users (name, handle) VALUES ('a', 'same')");
                    db.assertFails("23505", v2, "INSERT INTO users (name, handle) VALUES ('b', 'same')");
                    db.exec(v2, "DELETE FROM users WHERE handle = 'same'");
                },
                Harness.Check.NONE,
                db -> {
                    assertTrue(db.scalar("public", "SELECT count(*) FROM pg_constraint WHERE contype = 'u' "
                            + "AND conname = 'users_handle_key'").equals("1"));
                    db.assertFails("23505", v2, "INSERT INTO users (name, handle) VALUES ('b', 'u1')");
                });
    }
}
