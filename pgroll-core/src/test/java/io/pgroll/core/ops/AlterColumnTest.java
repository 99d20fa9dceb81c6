package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlterColumnTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"authors","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text","nullable":true}]}},
                  {"create_table":{"name":"books","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"title","type":"text","nullable":true,"default":"'untitled'","comment":"the title",
                     "check":{"name":"title_length","constraint":"length(title) < 100"}},
                    {"name":"pages","type":"text","nullable":true},
                    {"name":"author_id","type":"int","nullable":true,
                     "references":{"name":"books_author_fk","table":"authors","column":"id"}}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO authors (name) VALUES ('ann')",
                "INSERT INTO books (title, pages, author_id) VALUES ('a', '10', 1), (NULL, '20', 1), ('c', NULL, NULL)");
    }

    @Test
    void typeChangeConvertsBothWaysAndKeepsConstraints() {
        String v2 = h.version("02_type");
        h.lifecycle("02_type", """
                {"operations":[{"alter_column":{"table":"books","column":"pages","type":"integer",
                  "up":"CAST(pages AS integer)","down":"CAST(pages AS text)"}}]}""",
                db -> {
                    assertEquals("30", db.scalar(v2, "SELECT sum(pages) FROM books"));
                    assertEquals("integer", db.scalar(v2, "SELECT pg_typeof(pages)::text FROM books LIMIT 1"));
                    assertEquals("text", db.scalar(v1, "SELECT pg_typeof(pages)::text FROM books LIMIT 1"));
                    db.exec(v1, "INSERT INTO books (title, pages) VALUES ('old', '7')");
                    assertEquals("7", db.scalar(v2, "SELECT pages FROM books WHERE title = 'old'"));
                    db.exec(v2, "INSERT INTO books (title, pages) VALUES ('new', 8)");
                    assertEquals("8", db.scalar(v1, "SELECT pages FROM books WHERE title = 'new'"));
                    db.exec(v2, "UPDATE books SET pages = 9 WHERE title = 'new'");
                    assertEquals("9", db.scalar(v1, "SELECT pages FROM books WHERE title = 'new'"));
                    db.exec(v2, "DELETE FROM books WHERE title IN ('old', 'new')");
                },
                db -> assertEquals("text", db.scalar(v1, "SELECT pg_typeof(pages)::text FROM books LIMIT 1")),
                db -> {
                    assertEquals(List.of("id", "title", "author_id", "pages"), db.columns("books"));
                    assertEquals("integer", db.scalar(v2, "SELECT pg_typeof(pages)::text FROM books LIMIT 1"));
                });
    }

    @Test
    void setNotNullWithUpFixingExistingRows() {
        String v2 = h.version("02_notnull");
        h.lifecycle("02_notnull", """
                {"operations":[{"alter_column":{"table":"books","column":"title","nullable":false,
                  "up":"COALESCE(title, 'unknown')","down":"title"}}]}""",
                db -> {
                    assertEquals("unknown", db.scalar(v2, "SELECT title FROM books WHERE pages = '20'"));
                    assertEquals(null, db.scalar(v1, "SELECT title FROM books WHERE pages = '20'"));
                    db.assertFails("23514", v2, "INSERT INTO books (title) VALUES (NULL)");
                    db.exec(v1, "INSERT INTO books (title, pages) VALUES (NULL, '5')");
                    assertEquals("unknown", db.scalar(v2, "SELECT title FROM books WHERE pages = '5'"));
                    db.exec(v1, "DELETE FROM books WHERE pages = '5'");
                    // the check constraint, default and comment were carried over to the new column
                    db.assertFails("23514", v2, "INSERT INTO books (title) VALUES (repeat('x', 200))");
                    db.exec(v2, "INSERT INTO books (pages) VALUES ('99')");
                    assertEquals("untitled", db.scalar(v1, "SELECT title FROM books WHERE pages = '99'"));
                    db.exec(v2, "DELETE FROM books WHERE pages = '99'");
                },
                Harness.Check.NONE,
                db -> {
                    db.assertFails("23502", v2, "INSERT INTO books (title) VALUES (NULL)");
                    db.assertFails("23514", v2, "INSERT INTO books (title) VALUES (repeat('x', 200))");
                    assertEquals("the title", db.scalar(v2, "SELECT col_description(attrelid, attnum) FROM pg_attribute "
                            + "WHERE attrelid = '" + db.schema + ".books'::regclass AND attname = 'title'"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM pg_constraint WHERE conname = 'title_length'"));
                    assertFalse(db.columns("books").contains("_pgroll_new_title"));
                });
    }

    @Test
    void primaryKeyTypeChangeReferencedByAForeignKey() {
        String v2 = h.version("02_bigint");
        h.lifecycle("02_bigint", """
                {"operations":[{"alter_column":{"table":"authors","column":"id","type":"bigint",
                  "up":"id","down":"id"}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO authors (name) VALUES ('bea')");
                    assertEquals(db.scalar(v2, "SELECT id FROM authors WHERE name = 'bea'"),
                            db.scalar(v1, "SELECT id FROM authors WHERE name = 'bea'"));
                    db.exec(v1, "DELETE FROM authors WHERE name = 'bea'");
                    db.assertFails("23503", v1, "INSERT INTO books (title, author_id) VALUES ('x', 42)");
                },
                Harness.Check.NONE,
                db -> {
                    assertEquals("bigint", db.scalar(v2, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                            + "WHERE attrelid = '" + db.schema + ".authors'::regclass AND attname = 'id'"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = '"
                            + db.schema + ".authors'::regclass"));
                    db.assertFails("23503", v2, "INSERT INTO books (title, author_id) VALUES ('x', 42)");
                    db.exec(v2, "INSERT INTO authors (name) VALUES ('cid')");
                    db.assertFails("23505", v2, "INSERT INTO authors (id, name) VALUES (1, 'dup')");
                });
    }
}
