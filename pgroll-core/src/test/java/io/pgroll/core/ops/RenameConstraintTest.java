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

class RenameConstraintTest extends HarnessTest {
    private static final List<String> OLD_NAMES = List.of("email_has_at", "fk_team", "users_email_unique", "users_pkey");
    private static final List<String> NEW_NAMES = List.of("Email Has @", "Team FK", "users_email_key2", "users_pkey");

    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"teams","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"create_table":{"name":"users","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"email","type":"text","nullable":true,
                      "check":{"name":"email_has_at","constraint":"email LIKE '%@%'"}},
                    {"name":"team_id","type":"integer","nullable":true,
                      "references":{"name":"fk_team","table":"teams","column":"id"}}],
                   "constraints":[{"name":"users_email_unique","type":"unique","columns":["email"]}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO teams (id) VALUES (1)", "INSERT INTO users (email, team_id) VALUES ('a@x', 1)");
    }

    @Test
    void renameConstraintThenRenameItsTable() {
        h.lifecycle("02_constraint_then_table", """
                {"operations":[
                  {"rename_constraint":{"table":"users","from":"email_has_at","to":"email_check"}},
                  {"rename_table":{"from":"users","to":"people"}}]}""",
                Harness.Check.NONE,
                Harness.Check.NONE,
                db -> assertEquals("1", db.scalar("public", "SELECT count(*) FROM pg_constraint WHERE conname = "
                        + "'email_check' AND conrelid = " + db.regclass("people"))));
    }

    @Test
    void theNewNameMustNotClashWithTheTablesOtherConstraintsOrTheSchemasIndexes() {
        h.startAndComplete("02_index", """
                {"operations":[{"create_index":{"name":"teams_idx","table":"teams","columns":[{"column":"id"}]}}]}""");
        // the primary key is a constraint too
        MigrationFileException pk = assertThrows(MigrationFileException.class, () -> h.start("03_pk", """
                {"operations":[{"rename_constraint":{"table":"users","from":"email_has_at","to":"users_pkey"}}]}"""));
        assertEquals("operations[0].rename_constraint.to", pk.path());
        assertEquals("constraint \"users_pkey\" already exists on table \"users\"", pk.detail());
        // a unique constraint renames its index, and index names are unique in the whole schema
        MigrationFileException index = assertThrows(MigrationFileException.class, () -> h.start("03_index", """
                {"operations":[{"rename_constraint":{"table":"users","from":"users_email_unique","to":"teams_idx"}}]}"""));
        assertEquals("operations[0].rename_constraint.to", index.path());
        assertEquals("index \"teams_idx\" already exists", index.detail());
        // a check constraint has no index: an index of that name elsewhere is no obstacle
        h.startAndComplete("03_check", """
                {"operations":[{"rename_constraint":{"table":"users","from":"email_has_at","to":"teams_idx"}}]}""");
        assertTrue(constraintNames(h).contains("teams_idx"));
    }

    private List<String> constraintNames(Harness db) {
        // not the NOT NULL constraints PostgreSQL 18 names itself
        return db.query("public", "SELECT conname FROM pg_constraint WHERE conrelid = " + db.regclass("users")
                + " AND contype <> 'n' ORDER BY conname COLLATE \"C\"").stream().map(r -> r.get(0)).toList();
    }

    private static void assertEnforced(Harness db, String version) {
        db.assertFails("23514", version, "INSERT INTO users (email) VALUES ('no-at')");
        db.assertFails("23505", version, "INSERT INTO users (email) VALUES ('a@x')");
        db.assertFails("23503", version, "INSERT INTO users (email, team_id) VALUES ('b@x', 2)");
    }

    @Test
    void checkUniqueAndForeignKeyConstraintsAreRenamedAtComplete() {
        String v2 = h.version("02_rename_constraints");
        h.lifecycle("02_rename_constraints", """
                {"operations":[
                  {"rename_constraint":{"table":"users","from":"email_has_at","to":"Email Has @"}},
                  {"rename_constraint":{"table":"users","from":"users_email_unique","to":"users_email_key2"}},
                  {"rename_constraint":{"table":"users","from":"fk_team","to":"Team FK"}}]}""",
                db -> {
                    // the old names stay in place while the old version may still be in use
                    assertEquals(OLD_NAMES, constraintNames(db));
                    assertEnforced(db, v1);
                    assertEnforced(db, v2);
                    db.exec(v2, "DELETE FROM users WHERE email = 'during@x'", "INSERT INTO users (email) VALUES ('during@x')");
                },
                db -> {
                    assertEquals(OLD_NAMES, constraintNames(db));
                    assertEquals("2", db.scalar(v1, "SELECT count(*) FROM users"));
                },
                db -> {
                    assertEquals(NEW_NAMES, constraintNames(db));
                    // the unique constraint's index follows its name
                    assertTrue(db.relationExists("users_email_key2"));
                    assertFalse(db.relationExists("users_email_unique"));
                    assertEnforced(db, v2);
                    assertEquals("2", db.scalar(v2, "SELECT count(*) FROM users"));
                });
    }

    @Test
    void renamedConstraintCanBeRenamedAgainByTheNextMigration() {
        h.startAndComplete("02_first", """
                {"operations":[{"rename_constraint":{"table":"users","from":"email_has_at","to":"email_check"}}]}""");
        h.lifecycle("03_second", """
                {"operations":[{"rename_constraint":{"table":"users","from":"email_check","to":"email_has_at_sign"}}]}""",
                db -> assertTrue(constraintNames(db).contains("email_check")),
                db -> assertTrue(constraintNames(db).contains("email_check")),
                db -> {
                    assertTrue(constraintNames(db).contains("email_has_at_sign"));
                    assertEnforced(db, db.version("03_second"));
                });
    }
}
