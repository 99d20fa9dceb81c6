package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each alter_column sub-change on its own, and all of them together, through start, rollback, start and complete:
 * what each version's clients see and may write while the migration is active, and what the physical table looks
 * like afterwards (constraint names and states, defaults, comments, NOT NULL).
 */
class AlterColumnSubChangesTest extends HarnessTest {
    private PhysicalSchema db;
    private String v1;

    @BeforeEach
    void setUp() {
        db = new PhysicalSchema(h);
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"authors","columns":[{"name":"id","type":"integer","pk":true},
                    {"name":"name","type":"text","nullable":true}]}},
                  {"create_table":{"name":"books","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"title","type":"text","nullable":true,"default":"'untitled'","comment":"the title"},
                    {"name":"rating","type":"integer","nullable":true},
                    {"name":"shelf","type":"text","default":"'main'"},
                    {"name":"author_id","type":"integer","nullable":true,"default":"0"}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO authors VALUES (0, 'nobody'), (1, 'ann'), (2, 'bob')",
                "INSERT INTO books (title, rating, shelf, author_id) VALUES ('a', 9, 'main', 1), (NULL, NULL, 'attic', 2),"
                        + " ('c', 3, 'main', 99)");
    }

    // ---- type -----------------------------------------------------------------------------------------------------

    @Test
    void typeConvertsExistingRowsAndWritesOfBothVersions() {
        String v2 = h.version("02_rating_text");
        AtomicInteger round = new AtomicInteger();
        h.lifecycle("02_rating_text", """
                {"operations":[{"alter_column":{"table":"books","column":"rating","type":"text",
                  "up":"CASE WHEN rating IS NULL THEN NULL ELSE rating || ' stars' END",
                  "down":"CAST(split_part(rating, ' ', 1) AS integer)"}}]}""",
                x -> {
                    int r = round.incrementAndGet();
                    assertEquals(List.of(List.of("a", "9 stars"), List.of("c", "3 stars")),
                            h.query(v2, "SELECT title, rating FROM books WHERE rating IS NOT NULL AND title IN ('a', 'c') "
                                    + "ORDER BY id"));
                    assertEquals("text", h.scalar(v2, "SELECT pg_typeof(rating)::text FROM books LIMIT 1"));
                    assertEquals("integer", h.scalar(v1, "SELECT pg_typeof(rating)::text FROM books LIMIT 1"));
                    // writes of both versions, kept to be read back after rollback and after complete
                    h.exec(v1, "INSERT INTO books (title, rating) VALUES ('old-" + r + "', 4)");
                    h.exec(v2, "INSERT INTO books (title, rating) VALUES ('new-" + r + "', '2 stars')");
                    assertEquals("4 stars", h.scalar(v2, "SELECT rating FROM books WHERE title = 'old-" + r + "'"));
                    assertEquals("2", h.scalar(v1, "SELECT rating FROM books WHERE title = 'new-" + r + "'"));
                    h.exec(v1, "UPDATE books SET rating = 1 WHERE title = 'old-" + r + "'");
                    h.exec(v2, "UPDATE books SET rating = '5 stars' WHERE title = 'new-" + r + "'");
                    assertEquals("1 stars", h.scalar(v2, "SELECT rating FROM books WHERE title = 'old-" + r + "'"));
                    assertEquals("5", h.scalar(v1, "SELECT rating FROM books WHERE title = 'new-" + r + "'"));
                    assertEquals("text", db.type("books", "_pgroll_new_rating"));
                },
                x -> {
                    assertEquals("integer", db.type("books", "rating"));
                    assertEquals(List.of(List.of("old-1", "1"), List.of("new-1", "5")),
                            h.query(v1, "SELECT title, rating FROM books WHERE title LIKE '%-1' ORDER BY id"));
                },
                x -> {
                    assertEquals("text", db.type("books", "rating"));
                    assertEquals(List.of("id", "title", "shelf", "author_id", "rating"), h.columns("books"));
                    assertEquals(List.of(List.of("old-1", "1 stars"), List.of("new-1", "5 stars"),
                                    List.of("old-2", "1 stars"), List.of("new-2", "5 stars")),
                            h.query(v2, "SELECT title, rating FROM books WHERE title LIKE 'old-%' OR title LIKE 'new-%' "
                                    + "ORDER BY id"));
                    assertEquals("9 stars", h.scalar(v2, "SELECT rating FROM books WHERE title = 'a'"));
                });
    }

    // ---- nullable -------------------------------------------------------------------------------------------------

    @Test
    void setNotNullIsACheckWhileActiveAndNotNullAfterComplete() {
        String v2 = h.version("02_title_not_null");
        h.lifecycle("02_title_not_null", """
                {"operations":[{"alter_column":{"table":"books","column":"title","nullable":false,
                  "up":"COALESCE(title, 'unknown')","down":"title"}}]}""",
                x -> {
                    assertEquals("unknown", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'attic'"));
                    assertNull(h.scalar(v1, "SELECT title FROM books WHERE shelf = 'attic'"));
                    assertEquals("c f f f {_pgroll_new_title}", db.constraint("books", "_pgroll_check_not_null_title"));
                    h.assertFails("23514", v2, "INSERT INTO books (title) VALUES (NULL)");
                    h.assertFails("23514", v2, "UPDATE books SET title = NULL WHERE title = 'a'");
                    // the old version still writes NULLs; up turns them into a value for the new one
                    h.exec(v1, "INSERT INTO books (title, shelf) VALUES (NULL, 'cellar')");
                    assertEquals("unknown", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'cellar'"));
                    h.exec(v1, "UPDATE books SET title = 'named' WHERE shelf = 'cellar'");
                    assertEquals("named", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'cellar'"));
                    h.exec(v1, "DELETE FROM books WHERE shelf = 'cellar'");
                    assertFalse(db.notNull("books", "title"));
                },
                x -> {
                    assertFalse(db.notNull("books", "title"));
                    h.exec(v1, "INSERT INTO books (title, shelf) VALUES (NULL, 'cellar')");
                    h.exec(v1, "DELETE FROM books WHERE shelf = 'cellar'");
                },
                x -> {
                    assertTrue(db.notNull("books", "title"));
                    assertEquals(List.of(), db.constraints("books", "c"));
                    h.assertFails("23502", v2, "INSERT INTO books (title) VALUES (NULL)");
                    assertEquals("unknown", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'attic'"));
                    // default and comment of the column survive the swap
                    assertEquals("'untitled'::text", db.defaultOf("books", "title"));
                    assertEquals("the title", db.comment("books", "title"));
                });
    }

    @Test
    void dropNotNullUsesDownForTheOldVersion() {
        String v2 = h.version("02_shelf_nullable");
        h.lifecycle("02_shelf_nullable", """
                {"operations":[{"alter_column":{"table":"books","column":"shelf","nullable":true,
                  "down":"COALESCE(shelf, 'lost')"}}]}""",
                x -> {
                    h.exec(v2, "INSERT INTO books (title, shelf) VALUES ('no shelf', NULL)");
                    assertNull(h.scalar(v2, "SELECT shelf FROM books WHERE title = 'no shelf'"));
                    assertEquals("lost", h.scalar(v1, "SELECT shelf FROM books WHERE title = 'no shelf'"));
                    h.assertFails("23502", v1, "INSERT INTO books (title, shelf) VALUES ('x', NULL)");
                    // the new column keeps the default
                    h.exec(v2, "INSERT INTO books (title) VALUES ('default shelf')");
                    assertEquals("main", h.scalar(v2, "SELECT shelf FROM books WHERE title = 'default shelf'"));
                    h.exec(v2, "DELETE FROM books WHERE title IN ('no shelf', 'default shelf')");
                    assertEquals(List.of(), db.constraints("books", "c"));
                },
                x -> {
                    assertTrue(db.notNull("books", "shelf"));
                    h.assertFails("23502", v1, "INSERT INTO books (title, shelf) VALUES ('x', NULL)");
                },
                x -> {
                    assertFalse(db.notNull("books", "shelf"));
                    assertEquals("'main'::text", db.defaultOf("books", "shelf"));
                    h.exec(v2, "INSERT INTO books (title, shelf) VALUES ('no shelf', NULL)");
                    assertEquals("attic", h.scalar(v2, "SELECT shelf FROM books WHERE author_id = 2"));
                });
    }

    // ---- unique ---------------------------------------------------------------------------------------------------

    @Test
    void uniqueIsEnforcedOnlyInTheNewVersion() {
        h.exec(v1, "INSERT INTO books (title) VALUES ('a')");
        String v2 = h.version("02_unique_title");
        h.lifecycle("02_unique_title", """
                {"operations":[{"alter_column":{"table":"books","column":"title",
                  "unique":{"name":"books_title_unique"},"up":"title || '#' || id","down":"title"}}]}""",
                x -> {
                    assertEquals(List.of("a#1", "c#3", "a#4"),
                            h.query(v2, "SELECT title FROM books WHERE title IS NOT NULL ORDER BY id").stream()
                                    .map(r -> r.get(0)).toList());
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a#1')");
                    // the old version has no such constraint: up keeps its duplicates apart
                    h.exec(v1, "INSERT INTO books (title, shelf) VALUES ('a', 'dup'), ('a', 'dup')");
                    assertEquals("2", h.scalar(v2, "SELECT count(DISTINCT title) FROM books WHERE shelf = 'dup'"));
                    h.exec(v1, "DELETE FROM books WHERE shelf = 'dup'");
                    assertNotNull(db.validIndex("books_title_unique"));
                    assertEquals(List.of(), db.constraints("books", "u"));
                },
                x -> {
                    assertNull(db.validIndex("books_title_unique"));
                    assertEquals(List.of("books_pkey"), db.indexes("books"));
                },
                x -> {
                    assertEquals("u t f f {title}", db.constraint("books", "books_title_unique"));
                    assertTrue(db.validIndex("books_title_unique").contains("(title)"), db.validIndex("books_title_unique"));
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('x'), ('x')");
                    assertEquals("a#1", h.scalar(v2, "SELECT title FROM books WHERE id = 1"));
                });
    }

    @Test
    void uniqueWithoutUpOrDownCopiesTheColumnAsItIs() {
        String v2 = h.version("02_unique_title");
        h.lifecycle("02_unique_title", """
                {"operations":[{"alter_column":{"table":"books","column":"title","unique":{"name":"books_title_unique"}}}]}""",
                x -> {
                    assertEquals(Arrays.asList("a", null, "c"), h.query(v2, "SELECT title FROM books ORDER BY id").stream()
                            .map(r -> r.get(0)).toList());
                    h.exec(v1, "INSERT INTO books (title) VALUES ('d')");
                    assertEquals("d", h.scalar(v2, "SELECT title FROM books WHERE title = 'd'"));
                    h.exec(v2, "UPDATE books SET title = 'e' WHERE title = 'd'");
                    assertEquals("e", h.scalar(v1, "SELECT title FROM books WHERE title = 'e'"));
                    h.exec(v1, "DELETE FROM books WHERE title = 'e'");
                    h.assertFails("23505", v2, "INSERT INTO books (title) VALUES ('a')");
                },
                Harness.Check.NONE,
                x -> assertEquals("u t f f {title}", db.constraint("books", "books_title_unique")));
    }

    // ---- check ----------------------------------------------------------------------------------------------------

    @Test
    void checkIsNotValidWhileActiveAndUpFixesOldWrites() {
        String v2 = h.version("02_rating_range");
        h.lifecycle("02_rating_range", """
                {"operations":[{"alter_column":{"table":"books","column":"rating",
                  "check":{"name":"rating_range","constraint":"rating BETWEEN 1 AND 5"},
                  "up":"LEAST(GREATEST(rating, 1), 5)","down":"rating"}}]}""",
                x -> {
                    assertEquals("c f f f {_pgroll_new_rating}", db.constraint("books", "rating_range"));
                    assertEquals("5", h.scalar(v2, "SELECT rating FROM books WHERE title = 'a'"));
                    assertEquals("9", h.scalar(v1, "SELECT rating FROM books WHERE title = 'a'"));
                    h.assertFails("23514", v2, "INSERT INTO books (title, rating) VALUES ('x', 7)");
                    // the old version may still write violating values; up brings them into range for the new one
                    h.exec(v1, "INSERT INTO books (title, rating) VALUES ('seven', 7)");
                    assertEquals("5", h.scalar(v2, "SELECT rating FROM books WHERE title = 'seven'"));
                    assertEquals("7", h.scalar(v1, "SELECT rating FROM books WHERE title = 'seven'"));
                    h.exec(v1, "UPDATE books SET rating = -3 WHERE title = 'seven'");
                    assertEquals("1", h.scalar(v2, "SELECT rating FROM books WHERE title = 'seven'"));
                    h.exec(v1, "DELETE FROM books WHERE title = 'seven'");
                },
                x -> {
                    assertNull(db.constraint("books", "rating_range"));
                    h.exec(v1, "INSERT INTO books (title, rating) VALUES ('seven', 7)");
                    h.exec(v1, "DELETE FROM books WHERE title = 'seven'");
                },
                x -> {
                    assertEquals("c t f f {rating}", db.constraint("books", "rating_range"));
                    h.assertFails("23514", v2, "INSERT INTO books (title, rating) VALUES ('x', 7)");
                    assertEquals("5", h.scalar(v2, "SELECT rating FROM books WHERE title = 'a'"));
                });
    }

    // ---- references -----------------------------------------------------------------------------------------------

    private static final String REFERENCES_UP = "CASE WHEN author_id IN (SELECT a.id FROM authors a) THEN author_id END";

    /** Adds a foreign key author_id → authors.id with the given extra reference fields; checks common to all. */
    private void referencesLifecycle(String name, String extraFields, Harness.Check afterComplete) {
        String v2 = h.version(name);
        h.lifecycle(name, """
                {"operations":[{"alter_column":{"table":"books","column":"author_id",
                  "references":{"name":"books_author_fk","table":"authors","column":"id"%s},
                  "up":"%s","down":"author_id"}}]}""".formatted(extraFields, REFERENCES_UP),
                x -> {
                    // validated during start, after the backfill, as pgroll's are
                    assertTrue(db.constraint("books", "books_author_fk").startsWith("f t "),
                            db.constraint("books", "books_author_fk"));
                    assertTrue(db.constraint("books", "books_author_fk").endsWith("{_pgroll_new_author_id}"));
                    // the dangling reference of the old version is cleared for the new one by up
                    assertNull(h.scalar(v2, "SELECT author_id FROM books WHERE title = 'c'"));
                    assertEquals("99", h.scalar(v1, "SELECT author_id FROM books WHERE title = 'c'"));
                    assertEquals("1", h.scalar(v2, "SELECT author_id FROM books WHERE title = 'a'"));
                    h.assertFails("23503", v2, "INSERT INTO books (title, author_id) VALUES ('x', 50)");
                    h.exec(v1, "INSERT INTO books (title, author_id) VALUES ('dangling', 50)");
                    assertNull(h.scalar(v2, "SELECT author_id FROM books WHERE title = 'dangling'"));
                    h.exec(v1, "DELETE FROM books WHERE title = 'dangling'");
                    h.exec(v2, "INSERT INTO books (title, author_id) VALUES ('by bob', 2)");
                    assertEquals("2", h.scalar(v1, "SELECT author_id FROM books WHERE title = 'by bob'"));
                    h.exec(v2, "DELETE FROM books WHERE title = 'by bob'");
                },
                x -> {
                    assertNull(db.constraint("books", "books_author_fk"));
                    h.exec(v1, "INSERT INTO books (title, author_id) VALUES ('dangling', 50)");
                    h.exec(v1, "DELETE FROM books WHERE title = 'dangling'");
                },
                x -> {
                    assertTrue(db.constraint("books", "books_author_fk").startsWith("f t "));
                    assertTrue(db.constraint("books", "books_author_fk").endsWith("{author_id}"));
                    h.assertFails("23503", v2, "INSERT INTO books (title, author_id) VALUES ('x', 50)");
                    assertNull(h.scalar(v2, "SELECT author_id FROM books WHERE title = 'c'"));
                    afterComplete.check(x);
                });
    }

    @ParameterizedTest(name = "on_delete {0}")
    @CsvSource({"NO ACTION,a", "RESTRICT,r", "CASCADE,c", "SET NULL,n", "SET DEFAULT,d", "cascade,c"})
    void referencesWithEachOnDeleteAction(String action, String code) {
        String v2 = h.version("02_fk");
        referencesLifecycle("02_fk", ",\"on_delete\":\"" + action + "\"", x -> {
            assertEquals(code + " a s", db.foreignKeyActions("books", "books_author_fk"));
            switch (code) {
                case "a" -> h.assertFails("23503", v2, "DELETE FROM authors WHERE id = 2");
                case "r" -> h.assertFails(h.restrictViolation(), v2, "DELETE FROM authors WHERE id = 2");
                case "c" -> {
                    h.exec(v2, "DELETE FROM authors WHERE id = 2");
                    assertEquals("0", h.scalar(v2, "SELECT count(*) FROM books WHERE shelf = 'attic'"));
                }
                case "n" -> {
                    h.exec(v2, "DELETE FROM authors WHERE id = 2");
                    assertEquals(List.of(Arrays.asList("attic", null)),
                            h.query(v2, "SELECT shelf, author_id FROM books WHERE shelf = 'attic'"));
                }
                case "d" -> {
                    h.exec(v2, "DELETE FROM authors WHERE id = 2");
                    assertEquals("0", h.scalar(v2, "SELECT author_id FROM books WHERE shelf = 'attic'"));
                }
                default -> throw new AssertionError(code);
            }
        });
    }

    @Test
    void referencesWithOnUpdateCascade() {
        String v2 = h.version("02_fk");
        referencesLifecycle("02_fk", ",\"on_update\":\"CASCADE\"", x -> {
            assertEquals("a c s", db.foreignKeyActions("books", "books_author_fk"));
            h.exec(v2, "UPDATE authors SET id = 10 WHERE id = 1");
            assertEquals("10", h.scalar(v2, "SELECT author_id FROM books WHERE title = 'a'"));
        });
    }

    @Test
    void referencesWithMatchFull() {
        referencesLifecycle("02_fk", ",\"match_type\":\"FULL\"",
                x -> assertEquals("a a f", db.foreignKeyActions("books", "books_author_fk")));
    }

    @Test
    void referencesDeferrableInitiallyDeferred() {
        String v2 = h.version("02_fk");
        referencesLifecycle("02_fk", ",\"deferrable\":true,\"initially_deferred\":true", x -> {
            assertEquals("f t t t {author_id}", db.constraint("books", "books_author_fk"));
            // checked at commit: a book may be written before its author within one transaction
            h.exec(v2, "DO $$ BEGIN INSERT INTO books (title, author_id) VALUES ('early', 50); "
                    + "INSERT INTO authors VALUES (50, 'late'); END $$");
            assertEquals("50", h.scalar(v2, "SELECT author_id FROM books WHERE title = 'early'"));
            h.assertFails("23503", v2, "DO $$ BEGIN INSERT INTO books (title, author_id) VALUES ('never', 51); END $$");
        });
    }

    @Test
    void referencesDeferrableInitiallyImmediate() {
        referencesLifecycle("02_fk", ",\"deferrable\":true",
                x -> assertEquals("f t t f {author_id}", db.constraint("books", "books_author_fk")));
    }

    // ---- default --------------------------------------------------------------------------------------------------

    @Test
    void setDefaultAppliesToNewVersionInsertsOnly() {
        String v2 = h.version("02_title_default");
        AtomicInteger round = new AtomicInteger();
        h.lifecycle("02_title_default", """
                {"operations":[{"alter_column":{"table":"books","column":"title","default":"'fresh'"}}]}""",
                x -> {
                    int r = round.incrementAndGet();
                    h.exec(v1, "INSERT INTO books (shelf) VALUES ('old-" + r + "')");
                    h.exec(v2, "INSERT INTO books (shelf) VALUES ('new-" + r + "')");
                    assertEquals("untitled", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'old-" + r + "'"));
                    assertEquals("fresh", h.scalar(v1, "SELECT title FROM books WHERE shelf = 'new-" + r + "'"));
                    assertEquals("'untitled'::text", db.defaultOf("books", "title"));
                },
                x -> {
                    assertEquals("'untitled'::text", db.defaultOf("books", "title"));
                    h.exec(v1, "INSERT INTO books (shelf) VALUES ('after-rollback')");
                    assertEquals("untitled", h.scalar(v1, "SELECT title FROM books WHERE shelf = 'after-rollback'"));
                },
                x -> {
                    assertEquals("'fresh'::text", db.defaultOf("books", "title"));
                    h.exec(v2, "INSERT INTO books (shelf) VALUES ('after-complete')");
                    assertEquals("fresh", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'after-complete'"));
                    assertEquals(List.of(List.of("old-1", "untitled"), List.of("new-1", "fresh"),
                                    List.of("old-2", "untitled"), List.of("new-2", "fresh")),
                            h.query(v2, "SELECT shelf, title FROM books WHERE shelf ~ '^(old|new)-' ORDER BY id"));
                    assertEquals("the title", db.comment("books", "title"));
                });
    }

    @Test
    void dropDefaultWithExplicitNull() {
        String v2 = h.version("02_title_no_default");
        h.lifecycle("02_title_no_default", """
                {"operations":[{"alter_column":{"table":"books","column":"title","default":null}}]}""",
                x -> {
                    h.exec(v1, "INSERT INTO books (shelf) VALUES ('old')");
                    h.exec(v2, "INSERT INTO books (shelf) VALUES ('new')");
                    assertEquals("untitled", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'old'"));
                    assertNull(h.scalar(v1, "SELECT title FROM books WHERE shelf = 'new'"));
                    h.exec(v1, "DELETE FROM books WHERE shelf IN ('old', 'new')");
                },
                x -> assertEquals("'untitled'::text", db.defaultOf("books", "title")),
                x -> {
                    assertNull(db.defaultOf("books", "title"));
                    h.exec(v2, "INSERT INTO books (shelf) VALUES ('new')");
                    assertNull(h.scalar(v2, "SELECT title FROM books WHERE shelf = 'new'"));
                });
    }

    @Test
    void aDefaultChangeWithUpRewritesTheRowsAsPgrollDoes() {
        String v2 = h.version("02_title_rewritten");
        h.lifecycle("02_title_rewritten", """
                {"operations":[{"alter_column":{"table":"books","column":"title","default":null,
                  "up":"coalesce(title, 'none')","down":"title"}}]}""",
                x -> {
                    assertEquals("none", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'attic'"));
                    assertNull(h.scalar(v1, "SELECT title FROM books WHERE shelf = 'attic'"));
                    // the removed default is not applied to the new version's inserts
                    h.exec(v2, "INSERT INTO books (shelf) VALUES ('new')");
                    assertNull(h.scalar(v2, "SELECT title FROM books WHERE shelf = 'new'"));
                    h.exec(v1, "INSERT INTO books (shelf) VALUES ('old')");
                    assertEquals("untitled", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'old'"));
                    h.exec(v1, "DELETE FROM books WHERE shelf IN ('old', 'new')");
                },
                x -> assertNull(h.scalar(v1, "SELECT title FROM books WHERE shelf = 'attic'")),
                x -> {
                    assertNull(db.defaultOf("books", "title"));
                    assertEquals("none", h.scalar(v2, "SELECT title FROM books WHERE shelf = 'attic'"));
                    assertEquals("the title", db.comment("books", "title"));
                });
    }

    // ---- comment --------------------------------------------------------------------------------------------------

    @Test
    void setComment() {
        h.lifecycle("02_title_comment", """
                {"operations":[{"alter_column":{"table":"books","column":"title","comment":"the book's title"}}]}""",
                x -> assertEquals("the title", db.comment("books", "title")),
                x -> assertEquals("the title", db.comment("books", "title")),
                x -> assertEquals("the book's title", db.comment("books", "title")));
    }

    @Test
    void removeCommentWithExplicitNull() {
        h.lifecycle("02_title_uncomment", """
                {"operations":[{"alter_column":{"table":"books","column":"title","comment":null}}]}""",
                x -> assertEquals("the title", db.comment("books", "title")),
                x -> assertEquals("the title", db.comment("books", "title")),
                x -> assertNull(db.comment("books", "title")));
    }

    @Test
    void commentTogetherWithATypeChangeLandsOnTheSwappedColumn() {
        h.lifecycle("02_rating_comment", """
                {"operations":[{"alter_column":{"table":"books","column":"rating","type":"bigint","comment":"stars",
                  "up":"rating","down":"rating"}}]}""",
                x -> assertEquals("stars", db.comment("books", "_pgroll_new_rating")),
                x -> assertNull(db.comment("books", "rating")),
                x -> {
                    assertEquals("stars", db.comment("books", "rating"));
                    assertEquals("bigint", db.type("books", "rating"));
                });
    }

    @Test
    void commentRemovedTogetherWithATypeChange() {
        h.lifecycle("02_title_varchar", """
                {"operations":[{"alter_column":{"table":"books","column":"title","type":"varchar(20)","comment":null,
                  "up":"CAST(title AS varchar(20))","down":"title"}}]}""",
                x -> {
                    assertNull(db.comment("books", "_pgroll_new_title"));
                    // the default fits the new type, so the new version keeps it
                    h.exec(h.version("02_title_varchar"), "INSERT INTO books (shelf) VALUES ('defaulted')");
                    assertEquals("untitled", h.scalar(v1, "SELECT title FROM books WHERE shelf = 'defaulted'"));
                    h.exec(v1, "DELETE FROM books WHERE shelf = 'defaulted'");
                },
                x -> assertEquals("the title", db.comment("books", "title")),
                x -> {
                    assertNull(db.comment("books", "title"));
                    assertEquals("character varying(20)", db.type("books", "title"));
                    assertEquals("'untitled'::text", db.defaultOf("books", "title"));
                });
    }

    // ---- everything at once ---------------------------------------------------------------------------------------

    /** pgroll's example 35: type, default, nullable, comment, unique and check in one alter_column. */
    @Test
    void severalSubChangesInOneAlterColumn() {
        h.startAndComplete("02_events", """
                {"operations":[{"create_table":{"name":"events","columns":[{"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"varchar(255)","nullable":true}]}}]}""");
        String before = h.version("02_events");
        h.exec(before, "INSERT INTO events (name) VALUES ('first event'), (NULL), ('abc')");
        String v3 = h.version("03_events_name");
        AtomicInteger round = new AtomicInteger();
        h.lifecycle("03_events_name", """
                {"operations":[{"alter_column":{"table":"events","column":"name",
                  "type":"text","default":"'unknown event'","nullable":false,"comment":"the name of the event",
                  "unique":{"name":"events_event_name_unique"},
                  "check":{"name":"event_name_length","constraint":"length(name) > 3"},
                  "up":"SELECT CASE WHEN name IS NULL OR length(name) <= 3 THEN 'placeholder-' || id ELSE name END",
                  "down":"name"}}]}""",
                x -> {
                    int r = round.incrementAndGet();
                    assertEquals(List.of("first event", "placeholder-2", "placeholder-3"),
                            h.query(v3, "SELECT name FROM events WHERE id <= 3 ORDER BY id").stream()
                                    .map(row -> row.get(0)).toList());
                    assertEquals("text", h.scalar(v3, "SELECT pg_typeof(name)::text FROM events LIMIT 1"));
                    assertEquals("character varying", h.scalar(before, "SELECT pg_typeof(name)::text FROM events LIMIT 1"));
                    assertEquals("c f f f {_pgroll_new_name}", db.constraint("events", "event_name_length"));
                    assertEquals("c f f f {_pgroll_new_name}", db.constraint("events", "_pgroll_check_not_null_name"));
                    assertNotNull(db.validIndex("events_event_name_unique"));
                    assertEquals("the name of the event", db.comment("events", "_pgroll_new_name"));
                    assertNull(db.comment("events", "name"));
                    h.assertFails("23514", v3, "INSERT INTO events (name) VALUES (NULL)");
                    h.assertFails("23514", v3, "INSERT INTO events (name) VALUES ('ab')");
                    h.assertFails("23505", v3, "INSERT INTO events (name) VALUES ('first event')");
                    // the new version's default; the old version sees it through down
                    h.exec(v3, "INSERT INTO events DEFAULT VALUES");
                    assertEquals("unknown event", h.scalar(before, "SELECT name FROM events ORDER BY id DESC LIMIT 1"));
                    h.exec(v3, "DELETE FROM events WHERE name = 'unknown event'");
                    // the old version writes what it always could
                    h.exec(before, "INSERT INTO events (name) VALUES (NULL), ('xy'), ('old write " + r + "')");
                    assertEquals("0", h.scalar(v3, "SELECT count(*) FROM events WHERE name IS NULL"));
                    assertEquals("old write " + r, h.scalar(v3, "SELECT name FROM events ORDER BY id DESC LIMIT 1"));
                    h.exec(v3, "INSERT INTO events (name) VALUES ('new write " + r + "')");
                    assertEquals("new write " + r, h.scalar(before, "SELECT name FROM events ORDER BY id DESC LIMIT 1"));
                },
                x -> {
                    assertEquals("character varying(255)", db.type("events", "name"));
                    assertFalse(db.notNull("events", "name"));
                    assertNull(db.defaultOf("events", "name"));
                    assertNull(db.comment("events", "name"));
                    assertEquals(List.of(), db.constraints("events", "c"));
                    assertEquals(List.of("events_pkey"), db.indexes("events"));
                    assertEquals(List.of("new write 1", "old write 1"), h.query(before,
                            "SELECT name FROM events WHERE name LIKE '% write %' ORDER BY name").stream()
                            .map(row -> row.get(0)).toList());
                },
                x -> {
                    assertEquals("text", db.type("events", "name"));
                    assertTrue(db.notNull("events", "name"));
                    assertEquals("'unknown event'::text", db.defaultOf("events", "name"));
                    assertEquals("the name of the event", db.comment("events", "name"));
                    assertEquals("c t f f {name}", db.constraint("events", "event_name_length"));
                    assertEquals("u t f f {name}", db.constraint("events", "events_event_name_unique"));
                    assertEquals(List.of("event_name_length"), db.constraints("events", "c"));
                    h.assertFails("23502", v3, "INSERT INTO events (name) VALUES (NULL)");
                    h.assertFails("23514", v3, "INSERT INTO events (name) VALUES ('ab')");
                    h.assertFails("23505", v3, "INSERT INTO events (name) VALUES ('first event')");
                    h.exec(v3, "INSERT INTO events DEFAULT VALUES");
                    assertEquals("0", h.scalar(v3, "SELECT count(*) FROM events WHERE name IS NULL"));
                    assertEquals(List.of("new write 1", "new write 2", "old write 1", "old write 2"), h.query(v3,
                            "SELECT name FROM events WHERE name LIKE '% write %' ORDER BY name").stream()
                            .map(row -> row.get(0)).toList());
                });
    }
}
