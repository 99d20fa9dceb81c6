package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Semantic validation at start: errors name the migration, the operation (index and type) and the field, validation
 * sees the effect of earlier operations of the same migration, and a rejected migration changes nothing.
 */
class ValidationTest extends HarnessTest {
    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"users","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text","nullable":true}]}},
                  {"create_table":{"name":"items","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"create_index":{"name":"users_name_idx","table":"users","columns":[{"column":"name"}]}}]}""");
    }

    /** Everything a start could have changed: relations of the target schema, schemas, state rows. */
    private List<List<String>> snapshot() {
        return h.query("public", "SELECT 'relation', c.relname || ':' || c.relkind::text FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " + Sql.literal(h.schema)
                + " UNION ALL SELECT 'column', attrelid::regclass::text || '.' || attname FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = " + Sql.literal(h.schema) + " AND a.attnum > 0 AND NOT a.attisdropped "
                + "UNION ALL SELECT 'schema', nspname FROM pg_namespace "
                + "UNION ALL SELECT 'state', name || ':' || done::text FROM pgroll.migrations ORDER BY 1, 2");
    }

    /** Starting the migration fails validation with this location and message, and leaves the database as it was. */
    private void assertRejected(String name, String json, String path, String detail) {
        List<List<String>> before = snapshot();
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start(name, json));
        assertEquals(name, e.file(), e.getMessage());
        assertEquals(path, e.path(), e.getMessage());
        assertEquals(detail, e.detail(), e.getMessage());
        assertEquals(name + ": " + path + ": " + detail, e.getMessage());
        assertEquals(before, snapshot(), "a rejected migration must change nothing");
        assertFalse(h.schemaExists(h.version(name)));
        assertEquals("0", h.scalar("public", "SELECT count(*) FROM pgroll.migrations WHERE name = " + Sql.literal(name)));
        assertEquals(Status.COMPLETE, h.roll.status().status());
        // validating without starting reports the same
        MigrationFileException again = assertThrows(MigrationFileException.class,
                () -> h.roll.validate(Harness.migration(name, json)));
        assertEquals(e.getMessage(), again.getMessage());
    }

    @Test
    void missingTable() {
        assertRejected("02_add", """
                {"operations":[{"add_column":{"table":"nope","column":{"name":"c","type":"text","nullable":true}}}]}""",
                "operations[0].add_column.table", "table \"nope\" does not exist");
        assertRejected("02_drop", """
                {"operations":[{"drop_table":{"name":"nope"}}]}""",
                "operations[0].drop_table.name", "table \"nope\" does not exist");
        assertRejected("02_rename", """
                {"operations":[{"rename_table":{"from":"nope","to":"other"}}]}""",
                "operations[0].rename_table.from", "table \"nope\" does not exist");
        assertRejected("02_index", """
                {"operations":[{"create_index":{"name":"i","table":"nope","columns":[{"column":"id"}]}}]}""",
                "operations[0].create_index.table", "table \"nope\" does not exist");
        assertRejected("02_fk", """
                {"operations":[{"create_table":{"name":"orders","columns":[
                  {"name":"id","type":"integer","pk":true},
                  {"name":"user_id","type":"integer","references":{"name":"fk","table":"nope","column":"id"}}]}}]}""",
                "operations[0].create_table.columns[1].references.table", "table \"nope\" does not exist");
    }

    @Test
    void missingColumn() {
        assertRejected("02_drop_column", """
                {"operations":[{"drop_column":{"table":"users","column":"nope"}}]}""",
                "operations[0].drop_column.column", "column \"nope\" does not exist on table \"users\"");
        assertRejected("02_rename_column", """
                {"operations":[{"rename_column":{"table":"users","from":"nope","to":"other"}}]}""",
                "operations[0].rename_column.from", "column \"nope\" does not exist on table \"users\"");
        assertRejected("02_index", """
                {"operations":[{"create_index":{"name":"i","table":"users","columns":[{"column":"id"},{"column":"nope"}]}}]}""",
                "operations[0].create_index.columns[1].column", "column \"nope\" does not exist on table \"users\"");
    }

    @Test
    void tableAlreadyExists() {
        assertRejected("02_create", """
                {"operations":[{"create_table":{"name":"users","columns":[{"name":"id","type":"integer","pk":true}]}}]}""",
                "operations[0].create_table.name", "table \"users\" already exists");
        assertRejected("02_rename", """
                {"operations":[{"rename_table":{"from":"items","to":"users"}}]}""",
                "operations[0].rename_table.to", "table \"users\" already exists");
    }

    @Test
    void columnAlreadyExists() {
        assertRejected("02_add", """
                {"operations":[{"add_column":{"table":"users","column":{"name":"name","type":"text","nullable":true}}}]}""",
                "operations[0].add_column.column.name", "column \"name\" already exists in table \"users\"");
        assertRejected("02_rename", """
                {"operations":[{"rename_column":{"table":"users","from":"name","to":"id"}}]}""",
                "operations[0].rename_column.to", "column \"id\" already exists in table \"users\"");
    }

    @Test
    void indexAlreadyExistsOnAnyTable() {
        assertRejected("02_index", """
                {"operations":[{"create_index":{"name":"users_name_idx","table":"items","columns":[{"column":"id"}]}}]}""",
                "operations[0].create_index.name", "index \"users_name_idx\" already exists");
    }

    @Test
    void namesLongerThan63Bytes() {
        String long64 = "a".repeat(64);
        assertRejected("02_table", """
                {"operations":[{"create_table":{"name":"%s","columns":[{"name":"id","type":"integer","pk":true}]}}]}"""
                        .formatted(long64),
                "operations[0].create_table.name", "length of \"" + long64 + "\" (64) exceeds maximum length of 63");
        // bytes, not characters: 32 two-byte characters are too long
        String accents = "é".repeat(32);
        assertRejected("02_column", """
                {"operations":[{"create_table":{"name":"t","columns":[{"name":"id","type":"integer","pk":true},
                  {"name":"%s","type":"text"}]}}]}""".formatted(accents),
                "operations[0].create_table.columns[1].name",
                "length of \"" + accents + "\" (64) exceeds maximum length of 63");
        assertRejected("02_index", """
                {"operations":[{"create_index":{"name":"%s","table":"users","columns":[{"column":"id"}]}}]}"""
                        .formatted(long64),
                "operations[0].create_index.name", "length of \"" + long64 + "\" (64) exceeds maximum length of 63");
        assertRejected("02_rename", """
                {"operations":[{"rename_table":{"from":"items","to":"%s"}}]}""".formatted(long64),
                "operations[0].rename_table.to", "length of \"" + long64 + "\" (64) exceeds maximum length of 63");
        // exactly 63 bytes is fine, and the server keeps the whole name
        String long63 = "b".repeat(63);
        h.startAndComplete("02_ok", """
                {"operations":[{"create_table":{"name":"%s","columns":[{"name":"id","type":"integer","pk":true}]}}]}"""
                .formatted(long63));
        assertTrue(h.relationExists(long63));
    }

    @Test
    void validationSeesEarlierOperationsOfTheSameMigration() {
        assertRejected("02_rename_create", """
                {"operations":[
                  {"rename_table":{"from":"items","to":"products"}},
                  {"create_table":{"name":"products","columns":[{"name":"id","type":"integer","pk":true}]}}]}""",
                "operations[1].create_table.name", "table \"products\" already exists");
        assertRejected("02_drop_rename", """
                {"operations":[
                  {"drop_table":{"name":"items"}},
                  {"rename_table":{"from":"items","to":"products"}}]}""",
                "operations[1].rename_table.from", "table \"items\" does not exist");
        assertRejected("02_rename_old_name", """
                {"operations":[
                  {"rename_column":{"table":"users","from":"name","to":"username"}},
                  {"drop_column":{"table":"users","column":"name"}}]}""",
                "operations[1].drop_column.column", "column \"name\" does not exist on table \"users\"");
        assertRejected("02_add_twice", """
                {"operations":[
                  {"add_column":{"table":"users","column":{"name":"age","type":"integer","nullable":true}}},
                  {"add_column":{"table":"users","column":{"name":"age","type":"integer","nullable":true}}}]}""",
                "operations[1].add_column.column.name", "column \"age\" already exists in table \"users\"");
        // an index created earlier in the migration counts too
        assertRejected("02_index_twice", """
                {"operations":[
                  {"create_index":{"name":"i","table":"users","columns":[{"column":"id"}]}},
                  {"create_index":{"name":"i","table":"items","columns":[{"column":"id"}]}}]}""",
                "operations[1].create_index.name", "index \"i\" already exists");
        // a renamed table keeps its old name physically until complete, so the old name is not free yet
        assertRejected("02_rename_reuse", """
                {"operations":[
                  {"rename_table":{"from":"items","to":"products"}},
                  {"create_table":{"name":"items","columns":[{"name":"id","type":"integer","pk":true}]}}]}""",
                "operations[1].create_table.name",
                "table \"items\" already exists: it is renamed to \"products\" only when the migration completes");
        // ...and what an earlier operation makes possible is accepted
        h.startAndComplete("02_create_drop", """
                {"operations":[
                  {"create_table":{"name":"scratch","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"drop_table":{"name":"scratch"}}]}""");
        assertFalse(h.relationExists("scratch"));
        h.startAndComplete("03_drop_create", """
                {"operations":[
                  {"drop_table":{"name":"items"}},
                  {"create_table":{"name":"items","columns":[{"name":"code","type":"text","pk":true}]}}]}""");
        assertEquals(List.of("code"), h.columns("items"));
        h.startAndComplete("04_rename_rename", """
                {"operations":[
                  {"rename_table":{"from":"items","to":"products"}},
                  {"rename_table":{"from":"users","to":"items"}}]}""");
        assertEquals(List.of("code"), h.columns("products"));
        assertEquals(List.of("id", "name"), h.columns("items"));
    }

    @Test
    void aLaterInvalidOperationStopsTheEarlierOnesToo() {
        assertRejected("02_partly_valid", """
                {"operations":[
                  {"create_table":{"name":"orders","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"add_column":{"table":"orders","column":{"name":"total","type":"integer","nullable":true}}},
                  {"drop_column":{"table":"orders","column":"nope"}}]}""",
                "operations[2].drop_column.column", "column \"nope\" does not exist on table \"orders\"");
        assertFalse(h.relationExists("orders"));
    }
}
