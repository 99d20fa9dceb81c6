package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.HarnessTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropIndexTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"email","type":"text","nullable":true}]}}]}""");
        h.startAndComplete("02_index", """
                {"operations":[
                  {"create_index":{"name":"Users Email Idx","table":"users","unique":true,"columns":[{"column":"email"}]}}]}""");
        v1 = h.version("02_index");
        h.exec(v1, "INSERT INTO users (email) VALUES ('a@x'), ('b@x')");
    }

    @Test
    void theIndexStaysUntilComplete() {
        String v2 = h.version("03_drop_index");
        h.lifecycle("03_drop_index", """
                {"operations":[{"drop_index":{"name":"Users Email Idx"}}]}""",
                db -> {
                    // the old version may rely on the index (here: its uniqueness) until the migration completes
                    assertTrue(db.relationExists("Users Email Idx"));
                    db.assertFails("23505", v1, "INSERT INTO users (email) VALUES ('a@x')");
                    db.assertFails("23505", v2, "INSERT INTO users (email) VALUES ('a@x')");
                    db.exec(v2, "DELETE FROM users WHERE email = 'c@x'", "INSERT INTO users (email) VALUES ('c@x')");
                },
                db -> {
                    assertTrue(db.relationExists("Users Email Idx"));
                    assertEquals("t", db.scalar("public", "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                            + db.regclass("Users Email Idx")));
                    db.assertFails("23505", v1, "INSERT INTO users (email) VALUES ('c@x')");
                },
                db -> {
                    assertFalse(db.relationExists("Users Email Idx"));
                    db.exec(v2, "INSERT INTO users (email) VALUES ('a@x')");
                    assertEquals("2", db.scalar(v2, "SELECT count(*) FROM users WHERE email = 'a@x'"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM users WHERE email = 'c@x'"));
                });
    }

    @Test
    void dropOneIndexAndCreateAnotherInTheSameMigration() {
        String v2 = h.version("03_replace_index");
        h.lifecycle("03_replace_index", """
                {"operations":[
                  {"drop_index":{"name":"Users Email Idx"}},
                  {"create_index":{"name":"users_email_lower_idx","table":"users","columns":[{"column":"email"}],
                    "predicate":"email LIKE '%@x'"}}]}""",
                db -> {
                    assertTrue(db.relationExists("Users Email Idx"));
                    assertTrue(db.relationExists("users_email_lower_idx"));
                },
                db -> {
                    assertTrue(db.relationExists("Users Email Idx"));
                    assertFalse(db.relationExists("users_email_lower_idx"));
                },
                db -> {
                    assertFalse(db.relationExists("Users Email Idx"));
                    assertTrue(db.relationExists("users_email_lower_idx"));
                    db.exec(v2, "INSERT INTO users (email) VALUES ('a@x')");
                });
    }

    @Test
    void anIndexThatBelongsToAConstraintCannotBeDropped() {
        h.startAndComplete("03_unique", """
                {"operations":[{"create_table":{"name":"codes","columns":[
                  {"name":"code","type":"text","unique":true},
                  {"name":"during","type":"tsrange","nullable":true}],
                 "constraints":[{"name":"codes_no_overlap","type":"exclude","exclude":{"index_method":"gist",
                   "elements":"during WITH &&"}}]}}]}""");
        // DROP INDEX would only fail at complete, after the previous version is gone
        MigrationFileException unique = assertThrows(MigrationFileException.class, () -> h.start("04_drop", """
                {"operations":[{"drop_index":{"name":"codes_code_key"}}]}"""));
        assertEquals("operations[0].drop_index.name", unique.path());
        assertEquals("index \"codes_code_key\" belongs to constraint \"codes_code_key\" of table \"codes\"; "
                + "drop the constraint instead", unique.detail());
        MigrationFileException exclusion = assertThrows(MigrationFileException.class, () -> h.start("04_drop", """
                {"operations":[{"drop_index":{"name":"codes_no_overlap"}}]}"""));
        assertEquals("operations[0].drop_index.name", exclusion.path());
        assertTrue(h.relationExists("codes_code_key"));
    }
}
