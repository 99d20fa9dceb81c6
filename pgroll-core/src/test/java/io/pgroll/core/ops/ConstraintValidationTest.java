package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgroll.core.Status;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Validation errors of create_constraint, drop_constraint, drop_multicolumn_constraint and the constraint parts of
 * alter_column: each names the field at fault, and the rejected migration changes nothing.
 */
class ConstraintValidationTest extends HarnessTest {
    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"owners","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"create_table":{"name":"products","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text","nullable":true,
                     "check":{"name":"name_length","constraint":"length(name) < 10"}},
                    {"name":"sku","type":"text","nullable":true,"unique":true},
                    {"name":"a","type":"integer","nullable":true},
                    {"name":"b","type":"integer","nullable":true},
                    {"name":"owner_id","type":"integer","nullable":true,
                     "references":{"name":"products_owner_fk","table":"owners","column":"id"}}],
                   "constraints":[{"name":"a_b_check","type":"check","check":"a < b"}]}},
                  {"create_index":{"name":"products_a_idx","table":"products","columns":[{"column":"a"}]}}]}""");
    }

    private void assertRejected(String operation, String field, String detail) {
        String json = "{\"operations\":[" + operation + "]}";
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_bad", json));
        String op = operation.substring(operation.indexOf('"') + 1, operation.indexOf('"', operation.indexOf('"') + 1));
        assertEquals("operations[0]." + op + (field == null ? "" : "." + field), e.path(), e.getMessage());
        assertEquals(detail, e.detail(), e.getMessage());
        assertEquals(Status.COMPLETE, h.roll.status().status());
        assertFalse(h.schemaExists(h.version("02_bad")));
        assertEquals("[]", h.leftovers().toString());
    }

    // ---- drop_multicolumn_constraint ------------------------------------------------------------------------------

    @Test
    void dropMultiColumnNeedsDownForEveryColumn() {
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"a_b_check","down":{"a":"a"}}}""",
                "down", "migration for column \"b\" in \"products\" is missing");
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"a_b_check","up":{"a":"a","b":"b"},
                  "down":{"b":"b"}}}""",
                "down", "migration for column \"a\" in \"products\" is missing");
    }

    @Test
    void dropMultiColumnRejectsColumnsTheConstraintDoesNotCover() {
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"a_b_check",
                  "down":{"a":"a","b":"b","name":"name"}}}""",
                "down", "migration for column \"name\" in \"products\" is redundant");
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"a_b_check",
                  "up":{"a":"a","sku":"sku"},"down":{"a":"a","b":"b"}}}""",
                "up", "migration for column \"sku\" in \"products\" is redundant");
    }

    @Test
    void dropMultiColumnNeedsAnExistingDroppableConstraint() {
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"nope","down":{"a":"a"}}}""",
                "name", "constraint \"nope\" does not exist on table \"products\"");
        // primary keys cannot be dropped; indexes are not constraints
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"products_pkey","down":{"id":"id"}}}""",
                "name", "constraint \"products_pkey\" does not exist on table \"products\"");
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"products","name":"products_a_idx","down":{"a":"a"}}}""",
                "name", "constraint \"products_a_idx\" does not exist on table \"products\"");
        assertRejected("""
                {"drop_multicolumn_constraint":{"table":"nope","name":"a_b_check","down":{"a":"a"}}}""",
                "table", "table \"nope\" does not exist");
    }

    // ---- drop_constraint ------------------------------------------------------------------------------------------

    @Test
    void dropConstraintErrors() {
        assertRejected("""
                {"drop_constraint":{"table":"products","name":"a_b_check","down":"a"}}""",
                "name", "constraint \"a_b_check\" on table \"products\" applies to multiple columns");
        assertRejected("""
                {"drop_constraint":{"table":"products","name":"nope","down":"a"}}""",
                "name", "constraint \"nope\" does not exist on table \"products\"");
        assertRejected("""
                {"drop_constraint":{"table":"nope","name":"name_length","down":"name"}}""",
                "table", "table \"nope\" does not exist");
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> Harness.migration("02_bad", """
                {"operations":[{"drop_constraint":{"table":"products","name":"name_length"}}]}"""));
        assertEquals("required", e.detail(), e.getMessage());
    }

    // ---- create_constraint ----------------------------------------------------------------------------------------

    @Test
    void createConstraintNeedsUpAndDownForEveryColumn() {
        assertRejected("""
                {"create_constraint":{"table":"products","name":"a_b_unique","type":"unique","columns":["a","b"],
                  "up":{"a":"a"},"down":{"a":"a","b":"b"}}}""",
                "up", "migration for column \"b\" in \"products\" is missing");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"a_b_unique","type":"unique","columns":["a","b"],
                  "up":{"a":"a","b":"b"},"down":{"b":"b"}}}""",
                "down", "migration for column \"a\" in \"products\" is missing");
    }

    @Test
    void createConstraintNameMustBeFree() {
        for (String taken : new String[] {"name_length", "products_sku_key", "products_owner_fk"}) {
            assertRejected("""
                    {"create_constraint":{"table":"products","name":"%s","type":"unique","columns":["a"],
                      "up":{"a":"a"},"down":{"a":"a"}}}""".formatted(taken),
                    "name", "constraint \"" + taken + "\" on table \"products\" already exists");
        }
        assertRejected("""
                {"create_constraint":{"table":"products","name":"products_a_idx","type":"unique","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""",
                "name", "index \"products_a_idx\" already exists");
        String longName = "n".repeat(64);
        assertRejected("""
                {"create_constraint":{"table":"products","name":"%s","type":"unique","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""".formatted(longName),
                "name", "length of \"" + longName + "\" (64) exceeds maximum length of 63");
    }

    @Test
    void createConstraintColumnsAndTypeSpecificFields() {
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"unique","columns":["zz"],
                  "up":{"zz":"zz"},"down":{"zz":"zz"}}}""",
                "columns[0]", "column \"zz\" does not exist on table \"products\"");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"unique","up":{},"down":{}}}""",
                "columns", "required");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"check","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""",
                "check", "required for a check constraint");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"foreign_key","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""",
                "references", "required for a foreign key constraint");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"foreign_key","columns":["a"],
                  "references":{"table":"nope","columns":["id"]},"up":{"a":"a"},"down":{"a":"a"}}}""",
                "references.table", "table \"nope\" does not exist");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"foreign_key","columns":["a"],
                  "references":{"table":"owners","columns":["zz"]},"up":{"a":"a"},"down":{"a":"a"}}}""",
                "references.columns[0]", "column \"zz\" does not exist on table \"owners\"");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"foreign_key","columns":["a","b"],
                  "references":{"table":"owners","columns":["id"]},"up":{"a":"a","b":"b"},"down":{"a":"a","b":"b"}}}""",
                "references.columns", "a foreign key needs as many referenced columns as columns");
        assertRejected("""
                {"create_constraint":{"table":"products","name":"c","type":"primary_key","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""",
                "type", "table \"products\" already has a primary key");
        assertRejected("""
                {"create_constraint":{"table":"nope","name":"c","type":"unique","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}""",
                "table", "table \"nope\" does not exist");
    }

    @Test
    void createConstraintTypeIsOneOfTheSupportedOnes() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> Harness.migration("02_bad", """
                {"operations":[{"create_constraint":{"table":"products","name":"c","type":"exclude","columns":["a"],
                  "up":{"a":"a"},"down":{"a":"a"}}}]}"""));
        assertEquals("operations[0].create_constraint.type", e.path(), e.getMessage());
    }

    // ---- alter_column constraint parts ----------------------------------------------------------------------------

    @Test
    void alterColumnConstraintNamesMustBeFree() {
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","check":{"name":"a_b_check","constraint":"a > 0"},
                  "up":"a","down":"a"}}""",
                "check.name", "constraint \"a_b_check\" on table \"products\" already exists");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","unique":{"name":"products_sku_key"},
                  "up":"a","down":"a"}}""",
                "unique.name", "constraint \"products_sku_key\" on table \"products\" already exists");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","unique":{"name":"products_a_idx"},
                  "up":"a","down":"a"}}""",
                "unique.name", "index \"products_a_idx\" already exists");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a",
                  "references":{"name":"products_owner_fk","table":"owners","column":"id"},"up":"a","down":"a"}}""",
                "references.name", "constraint \"products_owner_fk\" on table \"products\" already exists");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a",
                  "references":{"name":"a_fk","table":"owners","column":"zz"},"up":"a","down":"a"}}""",
                "references.column", "column \"zz\" does not exist on table \"owners\"");
    }

    @Test
    void alterColumnNeedsAChangeAndTheExpressionsItUses() {
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","up":"a","down":"a"}}""",
                null, "alter column \"a\" on table \"products\" requires at least one change");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","type":"bigint","up":"a"}}""",
                "down", "field \"down\" is required to change type");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","nullable":false,"down":"a"}}""",
                "up", "field \"up\" is required to change nullable: false");
        assertRejected("""
                {"alter_column":{"table":"products","column":"id","nullable":false,"up":"id"}}""",
                "nullable", "column \"id\" on table \"products\" is NOT NULL");
        assertRejected("""
                {"alter_column":{"table":"products","column":"a","nullable":true,"down":"a"}}""",
                "nullable", "column \"a\" on table \"products\" is nullable");
    }
}
