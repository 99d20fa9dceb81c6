package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.Status;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Foreign keys that a migration adds or carries over to a column copy are validated during start, after the backfill,
 * as pgroll's are: right after start the catalog shows them valid, and an {@code up} that leaves a dangling reference
 * fails the start, which leaves the schema as it was.
 */
class ForeignKeyValidationTest extends HarnessTest {
    private PhysicalSchema db;

    @BeforeEach
    void setUp() {
        db = new PhysicalSchema(h);
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"authors","columns":[{"name":"id","type":"int","pk":true}]}},
                  {"create_table":{"name":"books","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"author_id","type":"int","nullable":true,
                     "references":{"name":"books_author_fk","table":"authors","column":"id"}},
                    {"name":"editor_id","type":"int","nullable":true}]}}]}""");
        h.exec(h.version("01_create"), "INSERT INTO authors VALUES (1), (2)",
                "INSERT INTO books (author_id, editor_id) VALUES (1, 2), (2, 1), (NULL, 2)");
    }

    /** Migrations adding or carrying a foreign key: up that keeps references valid (%1$s) or not (%2$s). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // add_column with references
            "{\"add_column\":{\"table\":\"books\",\"up\":\"%s\",\"column\":{\"name\":\"reviewer_id\",\"type\":\"int\","
                    + "\"nullable\":true,\"references\":{\"name\":\"books_reviewer_fk\",\"table\":\"authors\","
                    + "\"column\":\"id\"}}}}|books_reviewer_fk|editor_id|editor_id + 100",
            // alter_column adding references
            "{\"alter_column\":{\"table\":\"books\",\"column\":\"editor_id\",\"references\":{\"name\":\"books_editor_fk\","
                    + "\"table\":\"authors\",\"column\":\"id\"},\"up\":\"%s\",\"down\":\"editor_id\"}}"
                    + "|books_editor_fk|editor_id|editor_id + 100",
            // create_constraint foreign_key
            "{\"create_constraint\":{\"table\":\"books\",\"name\":\"books_editor_fk\",\"type\":\"foreign_key\","
                    + "\"columns\":[\"editor_id\"],\"references\":{\"table\":\"authors\",\"columns\":[\"id\"]},"
                    + "\"up\":{\"editor_id\":\"%s\"},\"down\":{\"editor_id\":\"editor_id\"}}}"
                    + "|books_editor_fk|editor_id|editor_id + 100",
            // a type change carries the column's foreign key over to the copy
            "{\"alter_column\":{\"table\":\"books\",\"column\":\"author_id\",\"type\":\"bigint\",\"up\":\"%s\","
                    + "\"down\":\"author_id\"}}|_pgroll_dup_books_author_fk|author_id|author_id + 100"})
    void validAfterStartAndADanglingReferenceFailsTheStart(String operation, String constraint, String goodUp,
                                                          String badUp) {
        List<String> before = h.leftovers();
        List<String> columns = h.columns("books");
        PgRollException e = assertThrows(PgRollException.class,
                () -> h.start("02_bad", "{\"operations\":[" + operation.formatted(badUp) + "]}"));
        assertTrue(e.getMessage().contains("violates foreign key constraint"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; changes rolled back"), e.getMessage());
        assertEquals(before, h.leftovers());
        assertEquals(columns, h.columns("books"));
        assertEquals(Status.COMPLETE, h.roll.status().status());
        assertFalse(h.schemaExists(h.version("02_bad")));

        h.start("02_good", "{\"operations\":[" + operation.formatted(goodUp) + "]}");
        String shown = db.constraint("books", constraint);
        assertTrue(shown.startsWith("f t "), constraint + ": " + shown);
        h.roll.complete();
    }
}
