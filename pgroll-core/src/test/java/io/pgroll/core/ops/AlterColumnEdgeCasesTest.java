package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollEvent;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * alter_column where the copy-and-swap has more to carry: the same column changed twice in one migration, primary
 * keys referenced by foreign keys, tables without a primary key, serial columns, partial and multi-column indexes,
 * and defaults and checks that do not fit the new type.
 */
class AlterColumnEdgeCasesTest extends HarnessTest {
    private PhysicalSchema db;

    @BeforeEach
    void setUp() {
        db = new PhysicalSchema(h);
    }

    private String createBooks() {
        h.startAndComplete("01_books", """
                {"operations":[{"create_table":{"name":"books","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"title","type":"text","nullable":true},
                    {"name":"pages","type":"text","nullable":true},
                    {"name":"rating","type":"integer","nullable":true}]}}]}""");
        String v1 = h.version("01_books");
        h.exec(v1, "INSERT INTO books (title, pages, rating) VALUES ('a', '10', 1), (NULL, '20', 2), ('c', NULL, 3)");
        return v1;
    }

    // ---- the same column twice in one migration -------------------------------------------------------------------

    @Test
    void notNullThenTypeChangeOfTheSameColumn() {
        String v1 = createBooks();
        String v2 = h.version("02_pages");
        h.lifecycle("02_pages", """
                {"operations":[
                  {"alter_column":{"table":"books","column":"pages","nullable":false,
                    "up":"COALESCE(pages, '0')","down":"pages"}},
                  {"alter_column":{"table":"books","column":"pages","type":"integer",
                    "up":"CAST(pages AS integer)","down":"CAST(pages AS text)"}}]}""",
                x -> {
                    assertEquals(List.of("10", "20", "0"), column(v2, "SELECT pages FROM books ORDER BY id"));
                    assertEquals("integer", h.scalar(v2, "SELECT pg_typeof(pages)::text FROM books LIMIT 1"));
                    h.assertFails("23514", v2, "INSERT INTO books (title, pages) VALUES ('x', NULL)");
                    h.exec(v1, "INSERT INTO books (title, pages) VALUES ('old null', NULL), ('old seven', '7')");
                    assertEquals(List.of("0", "7"), column(v2,
                            "SELECT pages FROM books WHERE title LIKE 'old %' ORDER BY id"));
                    h.exec(v2, "INSERT INTO books (title, pages) VALUES ('new', 5)");
                    assertEquals("5", h.scalar(v1, "SELECT pages FROM books WHERE title = 'new'"));
                    h.exec(v1, "DELETE FROM books WHERE title LIKE 'old %' OR title = 'new'");
                },
                x -> {
                    assertEquals("text", db.type("books", "pages"));
                    assertFalse(db.notNull("books", "pages"));
                },
                x -> {
                    assertEquals("integer", db.type("books", "pages"));
                    assertTrue(db.notNull("books", "pages"));
                    assertEquals(List.of("10", "20", "0"), column(v2, "SELECT pages FROM books ORDER BY id"));
                    h.assertFails("23502", v2, "INSERT INTO books (title, pages) VALUES ('x', NULL)");
                });
    }

    @Test
    void checkThenUniqueOnTheSameColumn() {
        String v1 = createBooks();
        String v2 = h.version("02_title");
        h.lifecycle("02_title", """
                {"operations":[
                  {"alter_column":{"table":"books","column":"title",
                    "check":{"name":"title_not_blank","constraint":"title <> ''"},
                    "up":"NULLIF(title, '')","down":"title"}},
                  {"alter_column":{"table":"books","column":"title","unique":{"name":"books_title_key"},
                    "up":"title","down":"title"}}]}""",
                x -> {
                    h.assertFails("23514", v2, "INSERT INTO books (title) VALUES ('')");
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a')");
                    h.exec(v1, "INSERT INTO books (title, pages) VALUES ('', 'blank')");
                    assertNull(h.scalar(v2, "SELECT title FROM books WHERE pages = 'blank'"));
                    h.exec(v1, "DELETE FROM books WHERE pages = 'blank'");
                    assertEquals("c f f f {_pgroll_new_title}", db.constraint("books", "title_not_blank"));
                    assertNotNull(db.validIndex("books_title_key"));
                },
                x -> {
                    assertNull(db.constraint("books", "title_not_blank"));
                    assertEquals(List.of("books_pkey"), db.indexes("books"));
                },
                x -> {
                    assertEquals("c t f f {title}", db.constraint("books", "title_not_blank"));
                    assertEquals("u t f f {title}", db.constraint("books", "books_title_key"));
                    h.assertFails("23514", v2, "INSERT INTO books (title) VALUES ('')");
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a')");
                });
    }

    @Test
    void uniqueThenTypeChangeOfTheSameColumn() {
        createBooks();
        String v2 = h.version("02_title");
        h.lifecycle("02_title", """
                {"operations":[
                  {"alter_column":{"table":"books","column":"title","unique":{"name":"books_title_key"},
                    "up":"title","down":"title"}},
                  {"alter_column":{"table":"books","column":"title","type":"varchar(10)",
                    "up":"CAST(left(title, 10) AS varchar(10))","down":"title"}}]}""",
                x -> h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a')"),
                Harness.Check.NONE,
                x -> {
                    assertEquals("character varying(10)", db.type("books", "title"));
                    assertEquals("u t f f {title}", db.constraint("books", "books_title_key"));
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a')");
                });
    }

    @Test
    void notNullThenTypeChangeOfAColumnWhoseDefaultDoesNotFitTheNewType() {
        h.startAndComplete("01_items", """
                {"operations":[{"create_table":{"name":"items","columns":[{"name":"id","type":"serial","pk":true},
                  {"name":"code","type":"text","nullable":true,"default":"'abc'"}]}}]}""");
        String v1 = h.version("01_items");
        h.exec(v1, "INSERT INTO items (code) VALUES ('12'), (NULL)");
        String v2 = h.version("02_code");
        h.lifecycle("02_code", """
                {"operations":[
                  {"alter_column":{"table":"items","column":"code","nullable":false,
                    "up":"COALESCE(code, '0')","down":"code"}},
                  {"alter_column":{"table":"items","column":"code","type":"integer",
                    "up":"CASE WHEN code ~ '^[0-9]+$' THEN CAST(code AS integer) ELSE -1 END",
                    "down":"CAST(code AS text)"}}]}""",
                x -> {
                    assertEquals(List.of("12", "0"), column(v2, "SELECT code FROM items ORDER BY id"));
                    h.exec(v1, "INSERT INTO items DEFAULT VALUES");
                    assertEquals("-1", h.scalar(v2, "SELECT code FROM items ORDER BY id DESC LIMIT 1"));
                    h.exec(v1, "DELETE FROM items WHERE code = 'abc'");
                },
                Harness.Check.NONE,
                x -> {
                    assertEquals("integer", db.type("items", "code"));
                    assertTrue(db.notNull("items", "code"));
                    assertNull(db.defaultOf("items", "code"));
                });
    }

    // ---- up and down beyond the row ---------------------------------------------------------------------------------

    /**
     * The sync trigger functions are STABLE; up and down may still read other tables (seeing what the writing
     * transaction wrote before) and call volatile functions such as nextval.
     */
    @Test
    void upAndDownMayReadOtherTablesAndCallVolatileFunctions() {
        String v1 = createBooks();
        String labels = Sql.qualified(h.schema, "rating_labels");
        String serial = Sql.qualified(h.schema, "label_serial");
        h.execRaw("CREATE TABLE rating_labels (score integer PRIMARY KEY, label text UNIQUE)",
                "INSERT INTO rating_labels VALUES (1, 'poor'), (2, 'fair'), (3, 'good'), (4, 'great')",
                "CREATE SEQUENCE label_serial");
        String v2 = h.version("02_rating_label");
        String labelOf = "SELECT split_part(rating, '#', 1) FROM books WHERE title = ";
        h.lifecycle("02_rating_label", """
                {"operations":[{"alter_column":{"table":"books","column":"rating","type":"text",
                  "up":"(SELECT label FROM %1$s WHERE score = rating) || '#' || nextval('%2$s')",
                  "down":"(SELECT score FROM %1$s WHERE label = split_part(rating, '#', 1))"}}]}"""
                        .formatted(labels.replace("\"", "\\\""), serial.replace("\"", "\\\"")),
                x -> {
                    assertEquals(List.of("poor", "fair", "good"),
                            column(v2, "SELECT split_part(rating, '#', 1) FROM books ORDER BY id"));
                    assertEquals("3", h.scalar(v2, "SELECT count(DISTINCT split_part(rating, '#', 2)) FROM books"));
                    h.exec(v1, "INSERT INTO books (title, rating) VALUES ('old', 4)");
                    assertEquals("great", h.scalar(v2, labelOf + "'old'"));
                    h.exec(v1, "UPDATE books SET rating = 2 WHERE title = 'old'");
                    assertEquals("fair", h.scalar(v2, labelOf + "'old'"));
                    h.exec(v1, "BEGIN", "INSERT INTO " + labels + " VALUES (5, 'superb')",
                            "INSERT INTO books (title, rating) VALUES ('five', 5)", "COMMIT");
                    assertEquals("superb", h.scalar(v2, labelOf + "'five'"));
                    h.exec(v2, "INSERT INTO books (title, rating) VALUES ('new', 'good#0')");
                    assertEquals("3", h.scalar(v1, "SELECT rating FROM books WHERE title = 'new'"));
                    h.exec(v1, "DELETE FROM books WHERE title IN ('old', 'five', 'new')",
                            "DELETE FROM " + labels + " WHERE score = 5");
                },
                x -> {
                    assertEquals("integer", db.type("books", "rating"));
                    assertEquals(List.of("1", "2", "3"), column(v1, "SELECT rating FROM books ORDER BY id"));
                },
                x -> {
                    assertEquals("text", db.type("books", "rating"));
                    assertEquals(List.of("poor", "fair", "good"),
                            column(v2, "SELECT split_part(rating, '#', 1) FROM books ORDER BY id"));
                });
    }

    /**
     * The sync direction is decided once per statement (a WHEN clause folded when the statement runs): one session
     * that switches versions between executions of one server-prepared statement gets the right trigger every time.
     */
    @Test
    void directionFollowsTheSessionFromStatementToStatement() throws SQLException {
        String v1 = createBooks();
        String v2 = h.version("02_title");
        h.start("02_title", """
                {"operations":[{"alter_column":{"table":"books","column":"title","type":"text",
                  "up":"'up:' || title","down":"'down:' || title"}}]}""");
        try (Connection c = TestPostgres.connect(h.url + (h.url.contains("?") ? "&" : "?") + "prepareThreshold=1");
             Statement s = c.createStatement();
             PreparedStatement touch = c.prepareStatement("UPDATE books SET pages = pages WHERE id = ?")) {
            touch.setInt(1, 1);
            List<String> seen = new ArrayList<>();
            for (String version : List.of(v1, v2, v1, v2)) {
                s.execute("SET search_path TO " + Sql.ident(version));
                touch.executeUpdate();
                seen.add(h.scalar(v1, "SELECT title FROM books WHERE id = 1") + " / "
                        + h.scalar(v2, "SELECT title FROM books WHERE id = 1"));
            }
            assertEquals(List.of("a / up:a", "down:up:a / up:a", "down:up:a / up:down:up:a",
                    "down:up:down:up:a / up:down:up:a"), seen);
        }
        h.roll.rollback();
    }

    // ---- together with renames in the same migration --------------------------------------------------------------

    /** Runs the migration through its life; the new version reads the converted rating under its final names. */
    private void renameAndAlter(String name, String operations, String table, String column) {
        String v1 = createBooks();
        String v2 = h.version(name);
        h.lifecycle(name, "{\"operations\":[" + operations + "]}",
                x -> {
                    assertEquals(List.of("1 stars", "2 stars", "3 stars"),
                            column(v2, "SELECT " + column + " FROM " + table + " ORDER BY id"));
                    h.exec(v1, "INSERT INTO books (title, rating) VALUES ('old', 4)");
                    assertEquals("4 stars", h.scalar(v2, "SELECT " + column + " FROM " + table + " WHERE title = 'old'"));
                    h.exec(v2, "INSERT INTO " + table + " (title, " + column + ") VALUES ('new', '5 stars')");
                    assertEquals("5", h.scalar(v1, "SELECT rating FROM books WHERE title = 'new'"));
                    h.exec(v1, "DELETE FROM books WHERE title IN ('old', 'new')");
                },
                x -> assertEquals(List.of("id", "title", "pages", "rating"), h.columns("books")),
                x -> {
                    assertEquals("text", db.type(table, column));
                    assertEquals(List.of("1 stars", "2 stars", "3 stars"),
                            column(v2, "SELECT " + column + " FROM " + table + " ORDER BY id"));
                });
    }

    private static final String RATING_TO_TEXT = """
            {"alter_column":{"table":"%s","column":"%s","type":"text",
              "up":"%s || ' stars'","down":"CAST(split_part(%s, ' ', 1) AS integer)"}}""";

    @Test
    void renameTableThenAlterColumn() {
        renameAndAlter("02_items", """
                {"rename_table":{"from":"books","to":"items"}},""" + RATING_TO_TEXT.formatted("items", "rating", "rating",
                "rating"), "items", "rating");
    }

    @Test
    void alterColumnThenRenameTable() {
        renameAndAlter("02_items", RATING_TO_TEXT.formatted("books", "rating", "rating", "rating") + """
                ,{"rename_table":{"from":"books","to":"items"}}""", "items", "rating");
    }

    @Test
    void renameColumnThenAlterColumn() {
        renameAndAlter("02_stars", """
                {"rename_column":{"table":"books","from":"rating","to":"stars"}},""" + RATING_TO_TEXT.formatted("books",
                "stars", "stars", "stars"), "books", "stars");
    }

    @Test
    void alterColumnThenRenameColumn() {
        renameAndAlter("02_stars", RATING_TO_TEXT.formatted("books", "rating", "rating", "rating") + """
                ,{"rename_column":{"table":"books","from":"rating","to":"stars"}}""", "books", "stars");
    }

    // ---- keys -----------------------------------------------------------------------------------------------------

    @Test
    void typeChangeOfACompositePrimaryKeyColumnReferencedByAForeignKey() {
        h.startAndComplete("01_orders", """
                {"operations":[
                  {"create_table":{"name":"orders","columns":[{"name":"region","type":"integer","pk":true},
                    {"name":"num","type":"integer","pk":true},{"name":"label","type":"text","nullable":true}]}},
                  {"create_table":{"name":"lines","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"region","type":"integer"},{"name":"num","type":"integer"}],
                   "constraints":[{"name":"lines_order_fk","type":"foreign_key","columns":["region","num"],
                     "references":{"table":"orders","columns":["region","num"]}}]}}]}""");
        String v1 = h.version("01_orders");
        h.exec(v1, "INSERT INTO orders VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c')",
                "INSERT INTO lines (region, num) VALUES (1, 1), (1, 2), (2, 1)");
        String v2 = h.version("02_num_bigint");
        h.lifecycle("02_num_bigint", """
                {"operations":[{"alter_column":{"table":"orders","column":"num","type":"bigint",
                  "up":"num","down":"num"}}]}""",
                x -> {
                    h.assertFails("22003", v1, "INSERT INTO orders (region, num, label) VALUES (3, 3000000000, 'big')");
                    h.exec(v2, "INSERT INTO orders (region, num, label) VALUES (3, 3, 'new')");
                    assertEquals("new", h.scalar(v1, "SELECT label FROM orders WHERE region = 3"));
                    h.assertFails("23505", v2, "INSERT INTO orders (region, num, label) VALUES (1, 1, 'dup')");
                    h.exec(v2, "DELETE FROM orders WHERE region = 3");
                    h.assertFails("23503", v1, "INSERT INTO lines (region, num) VALUES (9, 9)");
                    assertEquals("p t f f {region,num}", db.constraint("orders", "orders_pkey"));
                },
                x -> {
                    assertEquals("integer", db.type("orders", "num"));
                    assertEquals("p t f f {region,num}", db.constraint("orders", "orders_pkey"));
                },
                x -> {
                    assertEquals("bigint", db.type("orders", "num"));
                    assertEquals("p t f f {region,num}", db.constraint("orders", "orders_pkey"));
                    assertEquals(List.of("orders_pkey"), db.indexes("orders"));
                    assertTrue(db.validIndex("orders_pkey").contains("(region, num)"), db.validIndex("orders_pkey"));
                    assertEquals("f t f f {region,num}", db.constraint("lines", "lines_order_fk"));
                    assertEquals("t", h.scalar("public", "SELECT confrelid = " + db.regclass("orders")
                            + " FROM pg_constraint WHERE conname = 'lines_order_fk'"));
                    h.exec(v2, "INSERT INTO orders (region, num, label) VALUES (3, 3000000000, 'big')",
                            "INSERT INTO lines (region, num) VALUES (1, 2)");
                    h.assertFails("23503", v2, "INSERT INTO lines (region, num) VALUES (9, 9)");
                    h.assertFails("23503", v2, "DELETE FROM orders WHERE region = 1 AND num = 1");
                    h.assertFails("23505", v2, "INSERT INTO orders (region, num, label) VALUES (1, 1, 'dup')");
                });
    }

    @Test
    void deferrableForeignKeyStaysDeferrableWhenItsColumnIsCopiedAgain() {
        h.startAndComplete("01_tables", """
                {"operations":[
                  {"create_table":{"name":"authors","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"create_table":{"name":"books","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"author_id","type":"integer","nullable":true}]}}]}""");
        h.startAndComplete("02_fk", """
                {"operations":[{"alter_column":{"table":"books","column":"author_id",
                  "references":{"name":"books_author_fk","table":"authors","column":"id","on_delete":"SET NULL",
                    "deferrable":true,"initially_deferred":true},"up":"author_id","down":"author_id"}}]}""");
        assertEquals("f t t t {author_id}", db.constraint("books", "books_author_fk"));
        String v3 = h.version("03_bigint");
        h.lifecycle("03_bigint", """
                {"operations":[{"alter_column":{"table":"books","column":"author_id","type":"bigint",
                  "up":"author_id","down":"author_id"}}]}""",
                x -> assertEquals("f t t t {_pgroll_new_author_id}", db.constraint("books", "_pgroll_dup_books_author_fk")),
                x -> assertEquals("f t t t {author_id}", db.constraint("books", "books_author_fk")),
                x -> {
                    assertEquals("f t t t {author_id}", db.constraint("books", "books_author_fk"));
                    assertEquals("n a s", db.foreignKeyActions("books", "books_author_fk"));
                    h.exec(v3, "DO $$ BEGIN INSERT INTO books (author_id) VALUES (7); "
                            + "INSERT INTO authors VALUES (7); END $$");
                });
    }

    /** A constraint cannot be made deferrable after it was added: complete re-attaches the key as it was. */
    @ParameterizedTest
    @CsvSource({"unique, slots_key_key, u", "primary_key, slots_pkey, p"})
    void deferrableKeyStaysDeferrableWhenItsColumnIsCopied(String type, String name, String letter) {
        h.startAndComplete("01_slots", """
                {"operations":[{"create_table":{"name":"slots","columns":[{"name":"tag","type":"text"},
                  {"name":"key","type":"integer"}],
                  "constraints":[{"name":"%s","type":"%s","columns":["key"],
                    "deferrable":true,"initially_deferred":true}]}}]}""".formatted(name, type));
        h.exec(h.version("01_slots"), "INSERT INTO slots VALUES ('a', 1), ('b', 2)");
        String deferred = letter + " t t t {key}";
        assertEquals(deferred, db.constraint("slots", name));
        String v2 = h.version("02_bigint");
        h.lifecycle("02_bigint", """
                {"operations":[{"alter_column":{"table":"slots","column":"key","type":"bigint",
                  "up":"key","down":"key"}}]}""",
                Harness.Check.NONE,
                x -> assertEquals(deferred, db.constraint("slots", name)),
                x -> {
                    assertEquals(deferred, db.constraint("slots", name));
                    // swapping two keys passes only if uniqueness is checked at commit
                    h.exec(v2, "DO $$ BEGIN UPDATE slots SET key = 2 WHERE tag = 'a'; "
                            + "UPDATE slots SET key = 1 WHERE tag = 'b'; END $$");
                    h.assertFails("23505", v2, "UPDATE slots SET key = 1");
                });
    }

    @Test
    void tableWithoutPrimaryKeyIsBackfilledInBatchesOfTheRequestedSize() {
        h.startAndComplete("01_codes", """
                {"operations":[{"create_table":{"name":"codes","columns":[
                  {"name":"code","type":"text","unique":true},{"name":"val","type":"text","nullable":true}]}}]}""");
        String v1 = h.version("01_codes");
        h.exec(v1, "INSERT INTO codes SELECT 'c' || g, g::text FROM generate_series(1, 2500) g");
        assertBatchesOfAbout100Rows("codes");
        assertBackfillsEveryRow(v1, "codes");
    }

    /** A table without any key, with holes and rows moved to later pages, as a table with a history has. */
    private String createTableWithoutKey() {
        h.startAndComplete("01_codes", """
                {"operations":[{"create_table":{"name":"codes","columns":[
                  {"name":"code","type":"text","nullable":true},{"name":"val","type":"text","nullable":true}]}}]}""");
        String v1 = h.version("01_codes");
        h.exec(v1, "INSERT INTO codes SELECT 'c' || g, g::text FROM generate_series(1, 3000) g",
                "DELETE FROM codes WHERE CAST(val AS integer) > 2500 OR CAST(val AS integer) % 7 = 0",
                "INSERT INTO codes SELECT 'c' || g, g::text FROM generate_series(1, 2500) g WHERE g % 7 = 0",
                "UPDATE codes SET code = code || '!' WHERE CAST(val AS integer) % 5 = 0");
        return v1;
    }

    @Test
    void tableWithoutAnyKeyIsBackfilledByPhysicalPosition() {
        String v1 = createTableWithoutKey();
        startWithSmallBatchesAndRollBack("codes");
        assertBackfillsEveryRow(v1, "codes");
    }

    @Test
    void tableWithoutAnyKeyIsBackfilledInBatchesOfTheRequestedSize() {
        createTableWithoutKey();
        assertBatchesOfAbout100Rows("codes");
    }

    /**
     * --backfill-batch-size bounds the rows a batch locks (here on a table never analysed), where a batch is a range
     * of whole pages: no batch of the change started with batches of 100 rows may be much larger than that or, when a
     * page holds more rows than that, one page.
     */
    private void assertBatchesOfAbout100Rows(String table) {
        long page = Long.parseLong(h.scalar("public", "SELECT max(n) FROM (SELECT count(*) AS n FROM "
                + Sql.qualified(h.schema, table) + " GROUP BY (ctid::text::point)[0]) p"));
        List<Long> batches = startWithSmallBatchesAndRollBack(table);
        long limit = 2 * Math.max(100, page);
        assertEquals(List.of(), batches.stream().filter(n -> n > limit).toList(),
                "batches larger than " + limit + " rows (" + page + " rows in the fullest page)");
    }

    private static final String VAL_TO_INTEGER = """
            {"operations":[{"alter_column":{"table":"%s","column":"val","type":"integer",
              "up":"CAST(val AS integer) * 2","down":"CAST(val / 2 AS text)"}}]}""";

    /**
     * Starts the change of val (text holding 1..2500) to integer doubled with batches of 100 rows, checks that every
     * row was converted, rolls back; returns the rows of each batch the backfill reported but the last.
     */
    private List<Long> startWithSmallBatchesAndRollBack(String table) {
        String v2 = h.version("02_val");
        List<Long> progress = new ArrayList<>();
        h.listenedTo(event -> {
            if (event instanceof PgRollEvent.BackfillProgress batch) {
                progress.add(batch.rowsDone());
            }
        }).start(Harness.migration("02_val", VAL_TO_INTEGER.formatted(table)), new StartOptions(false, 100, Duration.ZERO));
        assertEquals("2500", h.scalar(v2, "SELECT count(*) FROM " + table));
        assertEquals(String.valueOf(2500L * 2501), h.scalar(v2, "SELECT sum(val) FROM " + table));
        h.roll.rollback();
        List<Long> batches = new ArrayList<>();
        for (int i = 0; i < progress.size() - 2; i++) {
            batches.add(progress.get(i) - (i == 0 ? 0 : progress.get(i - 1)));
        }
        assertTrue(batches.size() >= 5, "batches: " + progress);
        return batches;
    }

    /** The change of val through the whole life with the default batch size: every row converted, none lost. */
    private void assertBackfillsEveryRow(String v1, String table) {
        String v2 = h.version("02_val");
        long sum = 2500L * 2501 / 2;
        h.lifecycle("02_val", VAL_TO_INTEGER.formatted(table),
                x -> {
                    assertEquals("2500", h.scalar(v2, "SELECT count(*) FROM " + table));
                    assertEquals(String.valueOf(2 * sum), h.scalar(v2, "SELECT sum(val) FROM " + table));
                    assertEquals("0", h.scalar(v2, "SELECT count(*) FROM " + table + " WHERE val IS NULL"));
                    h.exec(v1, "UPDATE " + table + " SET val = '1' WHERE val = '1'");
                    h.exec(v2, "INSERT INTO " + table + " (code, val) VALUES ('new', 8)");
                    assertEquals("4", h.scalar(v1, "SELECT val FROM " + table + " WHERE code = 'new'"));
                    h.exec(v2, "DELETE FROM " + table + " WHERE code = 'new'");
                },
                x -> assertEquals(String.valueOf(sum), h.scalar(v1, "SELECT sum(CAST(val AS integer)) FROM " + table)),
                x -> {
                    assertEquals("2500", h.scalar(v2, "SELECT count(*) FROM " + table));
                    assertEquals(String.valueOf(2 * sum), h.scalar(v2, "SELECT sum(val) FROM " + table));
                    assertEquals("integer", db.type(table, "val"));
                });
    }

    @Test
    void serialColumnsKeepTheirSequences() {
        h.startAndComplete("01_tickets", """
                {"operations":[{"create_table":{"name":"tickets","columns":[
                  {"name":"id","type":"serial","pk":true},{"name":"num","type":"serial"},
                  {"name":"label","type":"text","nullable":true}]}}]}""");
        String v1 = h.version("01_tickets");
        h.exec(v1, "INSERT INTO tickets (label) VALUES ('a'), ('b'), ('c')");
        String v2 = h.version("02_bigint");
        h.lifecycle("02_bigint", """
                {"operations":[
                  {"alter_column":{"table":"tickets","column":"id","type":"bigint","up":"id","down":"id"}},
                  {"alter_column":{"table":"tickets","column":"num","type":"bigint","up":"num","down":"num"}}]}""",
                x -> {
                    h.exec(v2, "INSERT INTO tickets (label) VALUES ('new')");
                    h.exec(v1, "INSERT INTO tickets (label) VALUES ('old')");
                    assertEquals(h.query(v1, "SELECT id, num FROM tickets WHERE label IN ('new', 'old') ORDER BY id"),
                            h.query(v2, "SELECT id, num FROM tickets WHERE label IN ('new', 'old') ORDER BY id"));
                    assertEquals("2", h.scalar(v2, "SELECT count(DISTINCT id) FROM tickets WHERE label IN ('new', 'old')"));
                    h.exec(v1, "DELETE FROM tickets WHERE label IN ('new', 'old')");
                },
                x -> {
                    assertOwnedSequence("tickets", "id", "tickets_id_seq");
                    assertOwnedSequence("tickets", "num", "tickets_num_seq");
                    assertSequenceContinues(v1);
                },
                x -> {
                    assertEquals("bigint", db.type("tickets", "id"));
                    assertEquals("bigint", db.type("tickets", "num"));
                    assertTrue(db.notNull("tickets", "num"));
                    assertOwnedSequence("tickets", "id", "tickets_id_seq");
                    assertOwnedSequence("tickets", "num", "tickets_num_seq");
                    assertSequenceContinues(v2);
                    assertEquals("p t f f {id}", db.constraint("tickets", "tickets_pkey"));
                    // the sequences belong to the table: dropping it drops them
                    h.execRaw("DROP TABLE " + Sql.qualified(h.schema, "tickets") + " CASCADE");
                    assertNull(h.scalar("public", "SELECT to_regclass(" + Sql.literal(Sql.qualified(h.schema,
                            "tickets_id_seq")) + ")"));
                    assertNull(h.scalar("public", "SELECT to_regclass(" + Sql.literal(Sql.qualified(h.schema,
                            "tickets_num_seq")) + ")"));
                });
    }

    /** Two inserts through the version get the next values of both sequences, above every existing row. */
    private void assertSequenceContinues(String version) {
        String max = h.scalar(version, "SELECT max(id) FROM tickets");
        h.exec(version, "INSERT INTO tickets (label) VALUES ('next 1')", "INSERT INTO tickets (label) VALUES ('next 2')");
        List<List<String>> rows = h.query(version, "SELECT id, num FROM tickets WHERE label LIKE 'next %' ORDER BY id");
        assertTrue(Long.parseLong(rows.get(0).get(0)) > Long.parseLong(max), rows + " after " + max);
        assertEquals(Long.parseLong(rows.get(0).get(0)) + 1, Long.parseLong(rows.get(1).get(0)), rows.toString());
        assertEquals(Long.parseLong(rows.get(0).get(1)) + 1, Long.parseLong(rows.get(1).get(1)), rows.toString());
        h.exec(version, "DELETE FROM tickets WHERE label LIKE 'next %'");
    }

    /** The sequence is the column's serial sequence: owned by it (pg_depend 'a') and found by pg_get_serial_sequence. */
    private void assertOwnedSequence(String table, String column, String sequence) {
        String seq = Sql.literal(Sql.qualified(h.schema, sequence)) + "::regclass";
        assertEquals("t", h.scalar("public", "SELECT pg_get_serial_sequence(" + Sql.literal(Sql.qualified(h.schema, table))
                + ", " + Sql.literal(column) + ")::regclass = " + seq));
        assertEquals("1", h.scalar("public", "SELECT count(*) FROM pg_depend d JOIN pg_attribute a "
                + "ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass "
                + "AND d.objid = " + seq + " AND d.refobjid = " + db.regclass(table) + " AND a.attname = "
                + Sql.literal(column) + " AND d.deptype = 'a'"));
    }

    // ---- indexes --------------------------------------------------------------------------------------------------

    @Test
    void partialAndMultiColumnIndexesAreRecreatedUnderTheirNames() {
        createBooks();
        h.startAndComplete("02_indexes", """
                {"operations":[
                  {"create_index":{"name":"books_title_partial","table":"books","columns":[{"column":"title"}],
                    "predicate":"rating > 1"}},
                  {"create_index":{"name":"books_title_pages","table":"books",
                    "columns":[{"column":"title"},{"column":"pages","sort":"DESC"}]}},
                  {"create_index":{"name":"books_pages_titled","table":"books","columns":[{"column":"pages"}],
                    "predicate":"title IS NOT NULL"}},
                  {"create_index":{"name":"books_rating_unique_titled","table":"books","columns":[{"column":"rating"}],
                    "unique":true,"predicate":"title <> ''"}}]}""");
        String v2 = h.version("02_indexes");
        String v3 = h.version("03_title_varchar");
        h.lifecycle("03_title_varchar", """
                {"operations":[{"alter_column":{"table":"books","column":"title","type":"varchar(100)",
                  "up":"CAST(title AS varchar(100))","down":"title"}}]}""",
                x -> {
                    assertNotNull(db.validIndex("_pgroll_dup_books_title_partial"));
                    assertNotNull(db.validIndex("_pgroll_dup_books_title_pages"));
                    h.exec(v2, "INSERT INTO books (title, rating) VALUES ('x', 10)");
                    h.assertFails("23505", v3, "INSERT INTO books (title, rating) VALUES ('y', 10)");
                    h.exec(v2, "DELETE FROM books WHERE rating = 10");
                },
                x -> assertEquals(List.of("books_pages_titled", "books_pkey", "books_rating_unique_titled",
                        "books_title_pages", "books_title_partial"), db.indexes("books")),
                x -> {
                    assertEquals(List.of("books_pages_titled", "books_pkey", "books_rating_unique_titled",
                            "books_title_pages", "books_title_partial"), db.indexes("books"));
                    String partial = db.validIndex("books_title_partial");
                    assertTrue(partial.contains("(title)") && partial.contains("WHERE (rating > 1)"), partial);
                    String multi = db.validIndex("books_title_pages");
                    assertTrue(multi.contains("(title, pages DESC)"), multi);
                    String titled = db.validIndex("books_pages_titled");
                    assertNotNull(titled, "index whose predicate names the column");
                    assertTrue(titled.contains("(pages)") && titled.contains("WHERE (title IS NOT NULL)"), titled);
                    String unique = db.validIndex("books_rating_unique_titled");
                    assertNotNull(unique, "unique index whose predicate names the column");
                    assertTrue(unique.startsWith("CREATE UNIQUE INDEX"), unique);
                    h.exec(v3, "INSERT INTO books (title, rating) VALUES ('x', 10)");
                    h.assertFails("23505", v3, "INSERT INTO books (title, rating) VALUES ('y', 10)");
                });
    }

    @Test
    void expressionIndexesOnTheColumnSurvive() {
        createBooks();
        h.startAndComplete("02_indexes", """
                {"operations":[{"sql":{"up":"CREATE INDEX books_id_lower_title ON books (id, lower(title)); CREATE INDEX books_lower_title ON books (lower(title)); CREATE INDEX books_rating_incl_title ON books (rating) INCLUDE (title)"}}]}""");
        h.lifecycle("03_title_varchar", """
                {"operations":[{"alter_column":{"table":"books","column":"title","type":"varchar(100)",
                  "up":"CAST(title AS varchar(100))","down":"title"}}]}""",
                Harness.Check.NONE,
                x -> assertEquals(List.of("books_id_lower_title", "books_lower_title", "books_pkey",
                        "books_rating_incl_title"), db.indexes("books")),
                x -> {
                    assertEquals(List.of("books_id_lower_title", "books_lower_title", "books_pkey",
                            "books_rating_incl_title"), db.indexes("books"));
                    assertTrue(db.validIndex("books_id_lower_title").contains("(id, lower((title)::text))"),
                            db.validIndex("books_id_lower_title"));
                    assertTrue(db.validIndex("books_rating_incl_title").contains("INCLUDE (title)"),
                            db.validIndex("books_rating_incl_title"));
                    assertNotNull(db.validIndex("books_lower_title"), "index on an expression of the column only");
                });
    }

    // ---- defaults and checks that do not fit the new type ---------------------------------------------------------

    @Test
    void defaultAndCheckThatDoNotFitTheNewTypeAreDroppedNotFatal() {
        h.startAndComplete("01_items", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"code","type":"text","nullable":true,"default":"'abc'","comment":"the code",
                   "check":{"name":"code_length","constraint":"length(code) < 10"}},
                  {"name":"qty","type":"text","nullable":true,"default":"'0'",
                   "check":{"name":"qty_not_empty","constraint":"qty <> ''"}}]}}]}""");
        String v1 = h.version("01_items");
        h.exec(v1, "INSERT INTO items (code, qty) VALUES ('12', '1'), ('abc', '2'), (NULL, '3')");
        String v2 = h.version("02_code_int");
        h.lifecycle("02_code_int", """
                {"operations":[{"alter_column":{"table":"items","column":"code","type":"integer",
                  "up":"CASE WHEN code ~ '^[0-9]+$' THEN CAST(code AS integer) END","down":"CAST(code AS text)"}}]}""",
                x -> {
                    assertEquals(java.util.Arrays.asList("12", null, null),
                            column(v2, "SELECT code FROM items WHERE id <= 3 ORDER BY id"));
                    h.exec(v2, "INSERT INTO items (qty) VALUES ('new')");
                    assertNull(h.scalar(v2, "SELECT code FROM items WHERE qty = 'new'"));
                    assertNull(h.scalar(v1, "SELECT code FROM items WHERE qty = 'new'"));
                    h.exec(v1, "INSERT INTO items (qty) VALUES ('old')");
                    assertEquals("abc", h.scalar(v1, "SELECT code FROM items WHERE qty = 'old'"));
                    assertNull(h.scalar(v2, "SELECT code FROM items WHERE qty = 'old'"));
                    h.exec(v1, "DELETE FROM items WHERE qty IN ('new', 'old')");
                    assertEquals("the code", db.comment("items", "_pgroll_new_code"));
                },
                x -> {
                    assertEquals("'abc'::text", db.defaultOf("items", "code"));
                    assertEquals(List.of("code_length", "qty_not_empty"), db.constraints("items", "c"));
                },
                x -> {
                    assertEquals("integer", db.type("items", "code"));
                    assertNull(db.defaultOf("items", "code"));
                    assertEquals(List.of("qty_not_empty"), db.constraints("items", "c"));
                    assertEquals("the code", db.comment("items", "code"));
                    h.exec(v2, "INSERT INTO items (code) VALUES (12345678901 / 1000)");
                    assertEquals("'0'::text", db.defaultOf("items", "qty"));
                });
    }

    @Test
    void compatibleDefaultAndCheckSurviveATypeChange() {
        h.startAndComplete("01_items", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"qty","type":"integer","default":"1",
                   "check":{"name":"qty_positive","constraint":"qty > 0"}}]}}]}""");
        String v1 = h.version("01_items");
        h.exec(v1, "INSERT INTO items (qty) VALUES (5), (7)");
        String v2 = h.version("02_qty_bigint");
        h.lifecycle("02_qty_bigint", """
                {"operations":[{"alter_column":{"table":"items","column":"qty","type":"bigint",
                  "up":"qty","down":"qty"}}]}""",
                x -> {
                    h.assertFails("23514", v2, "INSERT INTO items (qty) VALUES (0)");
                    h.exec(v2, "INSERT INTO items DEFAULT VALUES");
                    assertEquals("1", h.scalar(v1, "SELECT qty FROM items ORDER BY id DESC LIMIT 1"));
                    h.exec(v2, "DELETE FROM items WHERE qty = 1");
                },
                Harness.Check.NONE,
                x -> {
                    assertEquals("bigint", db.type("items", "qty"));
                    assertTrue(db.notNull("items", "qty"));
                    assertEquals("1", db.defaultOf("items", "qty"));
                    assertEquals("c t f f {qty}", db.constraint("items", "qty_positive"));
                    h.assertFails("23514", v2, "INSERT INTO items (qty) VALUES (0)");
                    h.assertFails("23502", v2, "INSERT INTO items (qty) VALUES (NULL)");
                });
    }

    private List<String> column(String version, String sql) {
        return h.query(version, sql).stream().map(r -> r.get(0)).toList();
    }
}
