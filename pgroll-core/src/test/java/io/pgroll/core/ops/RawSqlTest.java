package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RawSqlTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name) VALUES ('alice')");
    }

    private String stateCount(String where) {
        return h.scalar("public", "SELECT count(*) FROM pgroll.migrations WHERE schema = " + Sql.literal(h.schema)
                + " AND " + where);
    }

    @Test
    void upRunsAtStartAndDownAtRollback() {
        String v2 = h.version("02_sql");
        h.lifecycle("02_sql", """
                {"operations":[{"sql":{
                  "up":"CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO products (name) VALUES ('seed')",
                  "down":"DROP TABLE IF EXISTS products"}}]}""",
                db -> {
                    // the new version's views are built from the schema as the SQL left it
                    assertEquals(List.of(List.of("1", "seed")), db.query(v2, "SELECT id, name FROM products"));
                    db.assertFails("42P01", v1, "SELECT 1 FROM products");
                    db.exec(v2, "INSERT INTO products (name) VALUES ('during')");
                    db.assertFails("23502", v2, "INSERT INTO products (name) VALUES (NULL)");
                    assertEquals("alice", db.scalar(v2, "SELECT name FROM users"));
                },
                db -> assertFalse(db.relationExists("products")),
                db -> {
                    assertEquals(List.of("seed", "during"), db.query(v2, "SELECT name FROM products ORDER BY id")
                            .stream().map(r -> r.get(0)).toList());
                    // pgroll's own session runs the SQL: no inferred migration is recorded for it
                    assertEquals("0", stateCount("migration_type = 'inferred'"));
                });
    }

    @Test
    void downUndoesDataChanges() {
        String v2 = h.version("02_seed");
        h.lifecycle("02_seed", """
                {"operations":[{"sql":{"up":"INSERT INTO users (name) VALUES ('from sql')",
                  "down":"DELETE FROM users WHERE name = 'from sql'"}}]}""",
                db -> {
                    assertEquals("1", db.scalar(v1, "SELECT count(*) FROM users WHERE name = 'from sql'"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM users WHERE name = 'from sql'"));
                },
                db -> assertEquals("0", db.scalar(v1, "SELECT count(*) FROM users WHERE name = 'from sql'")),
                db -> assertEquals("1", db.scalar(v2, "SELECT count(*) FROM users WHERE name = 'from sql'")));
    }

    @Test
    void aScriptMayHoldSqlStandardFunctionBodiesAndRunsAllOrNothing() {
        String v2 = h.version("02_atomic");
        h.lifecycle("02_atomic", """
                {"operations":[{"sql":{"up":"CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM users; END; CREATE TABLE audit (id int); CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN x * 2 END; END",
                  "down":"DROP FUNCTION IF EXISTS user_count(); DROP TABLE IF EXISTS audit; DROP FUNCTION IF EXISTS twice(int)"}}]}""",
                db -> {
                    assertEquals("1", db.scalar(h.schema, "SELECT user_count()"));
                    assertEquals("6", db.scalar(h.schema, "SELECT twice(3)"));
                    assertEquals("0", db.scalar(v2, "SELECT count(*) FROM audit"));
                },
                db -> assertFalse(db.relationExists("audit")),
                db -> assertTrue(db.relationExists("audit")));
        // a failing statement undoes the ones before it: start fails and leaves nothing behind
        assertThrows(RuntimeException.class, () -> h.start("03_half", """
                {"operations":[{"sql":{"up":"CREATE TABLE half (id int); CREATE TABLE audit (id int)"}}]}"""));
        assertFalse(h.relationExists("half"));
    }

    @Test
    void upAndDownMayHoldStatementsThatRefuseATransaction() {
        h.lifecycle("02_concurrently", """
                {"operations":[{"sql":{"up":"CREATE INDEX CONCURRENTLY users_name_idx ON users (name)",
                  "down":"DROP INDEX CONCURRENTLY IF EXISTS users_name_idx"}}]}""",
                db -> assertTrue(db.relationExists("users_name_idx")),
                db -> assertFalse(db.relationExists("users_name_idx")),
                db -> assertTrue(db.relationExists("users_name_idx")));
    }

    @Test
    void onCompleteRunsOnlyAtCompleteAndTheViewsThenShowItsEffect() {
        String v2 = h.version("02_on_complete");
        h.lifecycle("02_on_complete", """
                {"operations":[
                  {"create_table":{"name":"items","columns":[
                    {"name":"id","type":"integer","pk":true},{"name":"name","type":"text","nullable":true}]}},
                  {"sql":{"up":"ALTER TABLE items ADD COLUMN extra integer DEFAULT 7; ALTER TABLE users ADD COLUMN age integer",
                    "onComplete":true}}]}""",
                db -> {
                    assertEquals(List.of("id", "name"), db.columns("items"));
                    assertEquals(List.of("id", "name"), db.columns("users"));
                    db.assertFails("42703", v2, "SELECT extra FROM items");
                    db.exec(v2, "DELETE FROM items", "INSERT INTO items (id, name) VALUES (1, 'during')");
                },
                db -> {
                    assertFalse(db.relationExists("items"));
                    assertEquals(List.of("id", "name"), db.columns("users"));
                },
                db -> {
                    assertEquals(List.of("id", "name", "extra"), db.columns("items"));
                    assertEquals(List.of("id", "name", "age"), db.columns("users"));
                    assertEquals(List.of(List.of("1", "during", "7")), db.query(v2, "SELECT id, name, extra FROM items"));
                    db.exec(v2, "INSERT INTO items (id) VALUES (2)", "UPDATE users SET age = 30");
                    assertEquals("7", db.scalar(v2, "SELECT extra FROM items WHERE id = 2"));
                    assertEquals("30", db.scalar(v2, "SELECT age FROM users"));
                });
    }

    @Test
    void sqlWithoutOnCompleteMustBeAlone() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_mixed", """
                {"operations":[
                  {"create_table":{"name":"items","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"sql":{"up":"CREATE TABLE other (id int)"}}]}"""));
        assertEquals("operations[1].sql", e.path());
        assertEquals("operation \"sql\" cannot be executed with other operations", e.detail());
        assertFalse(h.relationExists("items"));
        assertFalse(h.relationExists("other"));
        assertFalse(h.schemaExists(h.version("02_mixed")));
        assertEquals("0", stateCount("name = '02_mixed'"));
        // the same SQL alone is fine, and so is onComplete SQL next to other operations
        h.startAndComplete("02_alone", """
                {"operations":[{"sql":{"up":"CREATE TABLE other (id int)"}}]}""");
        h.startAndComplete("03_mixed_on_complete", """
                {"operations":[
                  {"create_table":{"name":"items","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"sql":{"up":"CREATE TABLE more (id int)","onComplete":true}}]}""");
        assertTrue(h.relationExists("other"));
        assertTrue(h.relationExists("items"));
        assertTrue(h.relationExists("more"));
    }

    @Test
    void onCompleteCannotHaveDown() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_bad", """
                {"operations":[{"sql":{"up":"SELECT 1","down":"SELECT 2","onComplete":true}}]}"""));
        assertTrue(e.getMessage().contains("down is not allowed with onComplete"), e.getMessage());
        assertEquals("0", stateCount("name = '02_bad'"));
    }

    @Test
    void transactionControlIsRejectedBeforeAnythingRuns() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_sql", """
                {"operations":[{"sql":{"up":"COMMIT; CREATE TABLE products (id int); BEGIN"}}]}"""));
        assertEquals("operations[0].sql.up", e.path());
        assertEquals("transaction control (\"COMMIT\") is not allowed: pgroll runs the SQL in a transaction of its "
                + "own; remove it", e.detail());
        e = assertThrows(MigrationFileException.class, () -> h.start("02_sql", """
                {"operations":[{"sql":{"up":"CREATE TABLE products (id int)","down":"DROP TABLE products; COMMIT"}}]}"""));
        assertEquals("operations[0].sql.down", e.path());
        assertFalse(h.relationExists("products"));
        assertEquals("0", stateCount("name = '02_sql'"));
        // dollar-quoted bodies and SQL-standard function bodies are not transaction control
        h.startAndComplete("02_sql", """
                {"operations":[{"sql":{"up":"CREATE FUNCTION twice(i int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN i > 0 THEN i * 2 END; END"}}]}""");
        h.startAndComplete("03_sql", """
                {"operations":[{"sql":{"up":"DO $$ BEGIN PERFORM twice(1); END $$; SELECT 1"}}]}""");
        assertEquals("4", h.scalar(h.schema, "SELECT twice(2)"));
    }

    @Test
    void aTransactionLeftOpenIsRolledBackAndReportedEvenWithoutValidation() {
        var e = assertThrows(io.pgroll.core.PgRollException.class, () -> h.roll.start(
                io.pgroll.core.testing.Harness.migration("02_sql", """
                        {"operations":[{"sql":{"up":"CREATE TABLE products (id int); BEGIN"}}]}"""),
                new io.pgroll.core.StartOptions(true, 0, null)));
        assertTrue(e.getMessage().contains("the statement left a transaction open"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; changes rolled back"), e.getMessage());
        assertFalse(h.relationExists("products"));
        assertEquals("0", stateCount("name = '02_sql'"));
        assertEquals(io.pgroll.core.Status.COMPLETE, h.roll.status().status());
    }
}
