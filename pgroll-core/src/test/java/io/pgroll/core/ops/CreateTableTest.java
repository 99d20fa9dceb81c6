package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateTableTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"authors","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text","nullable":true}]}},
                  {"create_table":{"name":"x","columns":[{"name":"id","type":"integer","pk":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO authors (id, name) VALUES (1, 'ann')", "INSERT INTO x (id) VALUES (1)");
    }

    /** A result row; unlike List.of it may hold SQL NULLs. */
    static List<String> row(String... values) {
        return Arrays.asList(values);
    }

    /** A catalog fact about a column of a table of the target schema. */
    private String attribute(String table, String column, String expression) {
        return h.scalar("public", "SELECT " + expression + " FROM pg_attribute WHERE attrelid = " + h.regclass(table)
                + " AND attname = " + Sql.literal(column));
    }

    private String constraint(String table, String name, String expression) {
        return h.scalar("public", "SELECT " + expression + " FROM pg_constraint WHERE conrelid = " + h.regclass(table)
                + " AND conname = " + Sql.literal(name));
    }

    @Test
    void everyColumnFieldIsCreatedAndEnforcedInTheNewVersionOnly() {
        String v2 = h.version("02_books");
        h.lifecycle("02_books", """
                {"operations":[{"create_table":{"name":"books","comment":"all the books","columns":[
                  {"name":"id","type":"integer","pk":true,"generated":{"identity":{"user_specified_values":"ALWAYS",
                    "sequence_options":"START WITH 100 INCREMENT BY 10"}}},
                  {"name":"isbn","type":"text","unique":true},
                  {"name":"title","type":"text"},
                  {"name":"subtitle","type":"text","nullable":true},
                  {"name":"pages","type":"integer","default":"100",
                    "check":{"name":"pages_positive","constraint":"pages > 0","no_inherit":true}},
                  {"name":"author_id","type":"integer","nullable":true,
                    "references":{"name":"fk_book_author","table":"authors","column":"id",
                      "on_delete":"CASCADE","on_update":"RESTRICT","match_type":"FULL"}},
                  {"name":"note","type":"text","nullable":true,"comment":"free text, it's optional"},
                  {"name":"shelf","type":"bigint","generated":{"identity":{"user_specified_values":"BY DEFAULT",
                    "sequence_options":"START WITH 5"}}},
                  {"name":"title_upper","type":"text","nullable":true,"generated":{"expression":"upper(title)"}}
                ]}}]}""",
                db -> {
                    // the old version has no view for the new table
                    db.assertFails("42P01", v1, "SELECT 1 FROM books");
                    db.exec(v2, "INSERT INTO books (isbn, title, author_id) VALUES ('i1', 'dune', 1)",
                            "INSERT INTO books (isbn, title, subtitle) VALUES ('i2', 'emma', 'a novel')");
                    // identity ALWAYS with its sequence options, column default, BY DEFAULT identity, expression
                    assertEquals(List.of(List.of("100", "i1", "100", "5", "DUNE", "1"),
                                    row("110", "i2", "100", "6", "EMMA", null)),
                            db.query(v2, "SELECT id, isbn, pages, shelf, title_upper, author_id FROM books ORDER BY id"));
                    db.assertFails("428C9", v2, "INSERT INTO books (id, isbn, title) VALUES (1, 'i3', 't')");
                    db.assertFails("428C9", v2, "INSERT INTO books (isbn, title, title_upper) VALUES ('i3', 't', 'T')");
                    db.exec(v2, "INSERT INTO books (isbn, title, shelf) VALUES ('i3', 't', 42)");
                    assertEquals("42", db.scalar(v2, "SELECT shelf FROM books WHERE isbn = 'i3'"));
                    db.exec(v2, "DELETE FROM books WHERE isbn = 'i3'");
                    // nullable defaults to false
                    db.assertFails("23502", v2, "INSERT INTO books (isbn) VALUES ('i4')");
                    db.assertFails("23502", v2, "INSERT INTO books (title) VALUES ('t')");
                    db.exec(v2, "INSERT INTO books (isbn, title, subtitle, note) VALUES ('i4', 't', NULL, NULL)",
                            "DELETE FROM books WHERE isbn = 'i4'");
                    db.assertFails("23505", v2, "INSERT INTO books (isbn, title) VALUES ('i1', 'again')");
                    db.assertFails("23514", v2, "INSERT INTO books (isbn, title, pages) VALUES ('i5', 't', 0)");
                    db.assertFails("23503", v2, "INSERT INTO books (isbn, title, author_id) VALUES ('i5', 't', 999)");
                    // ON UPDATE RESTRICT and ON DELETE CASCADE, acting on writes through the old version
                    db.assertFails(db.restrictViolation(), v1, "UPDATE authors SET id = 1000 WHERE id = 1");
                    db.exec(v1, "INSERT INTO authors (id, name) VALUES (50, 'temp')");
                    db.exec(v2, "INSERT INTO books (isbn, title, author_id) VALUES ('i6', 't', 50)");
                    db.exec(v1, "DELETE FROM authors WHERE id = 50");
                    assertEquals("0", db.scalar(v2, "SELECT count(*) FROM books WHERE isbn = 'i6'"));
                    assertEquals(List.of(List.of("f", "c", "r")), db.query("public", "SELECT confmatchtype, confdeltype, "
                            + "confupdtype FROM pg_constraint WHERE conname = 'fk_book_author' AND conrelid = "
                            + db.regclass("books")));
                    assertEquals("t", constraint("books", "pages_positive", "connoinherit"));
                    assertEquals("free text, it's optional", attribute("books", "note",
                            "col_description(attrelid, attnum)"));
                    assertEquals("all the books", db.scalar("public", "SELECT obj_description(" + db.regclass("books")
                            + ", 'pg_class')"));
                    assertEquals("books_pkey", db.scalar("public", "SELECT conname FROM pg_constraint WHERE contype = 'p' "
                            + "AND conrelid = " + db.regclass("books")));
                },
                db -> {
                    assertFalse(db.relationExists("books"), "rollback drops the table");
                    assertEquals("ann", db.scalar(v1, "SELECT name FROM authors WHERE id = 1"));
                },
                db -> {
                    // rows written during the migration are there, now through the only version left
                    assertEquals(List.of(List.of("100", "dune"), List.of("110", "emma")),
                            db.query(v2, "SELECT id, title FROM books ORDER BY id"));
                    assertEquals(List.of(List.of("id", "t"), List.of("isbn", "t"), List.of("title", "t"),
                                    List.of("subtitle", "f"), List.of("pages", "t"), List.of("author_id", "f"),
                                    List.of("note", "f"), List.of("shelf", "t"), List.of("title_upper", "f")),
                            db.query("public", "SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = "
                                    + db.regclass("books") + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
                    assertEquals("a", attribute("books", "id", "attidentity"));
                    assertEquals("d", attribute("books", "shelf", "attidentity"));
                    assertEquals("s", attribute("books", "title_upper", "attgenerated"));
                    db.exec(v2, "INSERT INTO books (isbn, title) VALUES ('i7', 'ulysses')");
                    // failed inserts used up identity values; the increment is still the declared one
                    assertEquals("t", db.scalar(v2, "SELECT id > 110 AND id % 10 = 0 FROM books WHERE isbn = 'i7'"));
                    db.assertFails("23505", v2, "INSERT INTO books (isbn, title) VALUES ('i7', 'again')");
                });
    }

    @Test
    void everyTableConstraintTypeIsCreatedAndEnforced() {
        String v2 = h.version("02_bookings");
        h.lifecycle("02_bookings", """
                {"operations":[{"create_table":{"name":"bookings","columns":[
                  {"name":"room","type":"integer"},
                  {"name":"day","type":"date"},
                  {"name":"code","type":"text","nullable":true},
                  {"name":"guest","type":"text","nullable":true},
                  {"name":"author_id","type":"integer","nullable":true},
                  {"name":"during","type":"tsrange","nullable":true},
                  {"name":"price","type":"integer","nullable":true}],
                 "constraints":[
                  {"name":"bookings_pk","type":"primary_key","columns":["room","day"]},
                  {"name":"bookings_code_unique","type":"unique","columns":["code"],
                    "index_parameters":{"include_columns":["guest"],"storage_parameters":"fillfactor=70"}},
                  {"name":"price_positive","type":"check","check":"price > 0","no_inherit":true},
                  {"name":"bookings_author_fk","type":"foreign_key","columns":["author_id"],
                    "references":{"table":"authors","columns":["id"],"on_delete":"SET NULL","on_update":"CASCADE",
                      "match_type":"SIMPLE"}},
                  {"name":"bookings_no_overlap","type":"exclude",
                    "exclude":{"index_method":"gist","elements":"during WITH &&","predicate":"price > 100"}}]}}]}""",
                db -> {
                    db.assertFails("42P01", v1, "SELECT 1 FROM bookings");
                    db.exec(v1, "INSERT INTO authors (id, name) VALUES (60, 'guest author')");
                    db.exec(v2, "INSERT INTO bookings (room, day, code, guest, author_id, during, price) VALUES "
                            + "(1, '2024-01-01', 'A', 'g1', 60, '[2024-01-01 10:00, 2024-01-01 12:00)', 200)");
                    // primary key over two columns
                    db.assertFails("23505", v2, "INSERT INTO bookings (room, day) VALUES (1, '2024-01-01')");
                    db.assertFails("23502", v2, "INSERT INTO bookings (day) VALUES ('2024-01-02')");
                    // unique on code only: the included column does not take part
                    db.assertFails("23505", v2, "INSERT INTO bookings (room, day, code, guest) VALUES "
                            + "(2, '2024-01-01', 'A', 'g2')");
                    db.assertFails("23514", v2, "INSERT INTO bookings (room, day, price) VALUES (3, '2024-01-01', 0)");
                    db.assertFails("23503", v2, "INSERT INTO bookings (room, day, author_id) VALUES (3, '2024-01-01', 999)");
                    // the exclusion applies only where its predicate holds
                    db.assertFails("23P01", v2, "INSERT INTO bookings (room, day, during, price) VALUES "
                            + "(4, '2024-01-01', '[2024-01-01 11:00, 2024-01-01 13:00)', 300)");
                    db.exec(v2, "INSERT INTO bookings (room, day, during, price) VALUES "
                            + "(4, '2024-01-01', '[2024-01-01 11:00, 2024-01-01 13:00)', 50)");
                    // ON UPDATE CASCADE, then ON DELETE SET NULL, triggered through the old version
                    db.exec(v1, "UPDATE authors SET id = 61 WHERE id = 60");
                    assertEquals("61", db.scalar(v2, "SELECT author_id FROM bookings WHERE code = 'A'"));
                    db.exec(v1, "DELETE FROM authors WHERE id = 61");
                    assertEquals(null, db.scalar(v2, "SELECT author_id FROM bookings WHERE code = 'A'"));
                    String uniqueIndex = db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass("bookings_code_unique")
                            + ")");
                    assertTrue(uniqueIndex.endsWith("USING btree (code) INCLUDE (guest) WITH (fillfactor='70')"),
                            uniqueIndex);
                    assertEquals(List.of(List.of("bookings_author_fk", "f", "s"), row("bookings_code_unique", "u", null),
                                    row("bookings_no_overlap", "x", null), row("bookings_pk", "p", null),
                                    row("price_positive", "c", null)),
                            db.query("public", "SELECT conname, contype, nullif(confmatchtype, ' ') FROM pg_constraint "
                                    + "WHERE conrelid = " + db.regclass("bookings") + " AND contype <> 'n' ORDER BY conname"));
                    assertEquals("t", constraint("bookings", "price_positive", "connoinherit"));
                    assertEquals("EXCLUDE USING gist (during WITH &&) WHERE ((price > 100))",
                            constraint("bookings", "bookings_no_overlap", "pg_get_constraintdef(oid)"));
                },
                db -> assertFalse(db.relationExists("bookings"), "rollback drops the table"),
                db -> {
                    assertEquals(List.of(row("1", null, "200"), row("4", null, "50")),
                            db.query(v2, "SELECT room, author_id, price FROM bookings ORDER BY room"));
                    assertEquals(List.of("room", "day"), db.query("public", "SELECT a.attname FROM pg_index i "
                            + "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
                            + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                            + "WHERE i.indisprimary AND i.indrelid = " + db.regclass("bookings") + " ORDER BY k.ord")
                            .stream().map(r -> r.get(0)).toList());
                    db.assertFails("23505", v2, "INSERT INTO bookings (room, day, code) VALUES (9, '2024-01-09', 'A')");
                });
    }

    @Test
    void nullsNotDistinctAndOnDeleteSetColumnsOnPostgres15AndLater() {
        assumeTrue(h.serverVersionNum() >= 150000, "NULLS NOT DISTINCT and ON DELETE SET NULL (cols) need PostgreSQL 15");
        String v2 = h.version("02_members");
        h.lifecycle("02_members", """
                {"operations":[
                  {"create_table":{"name":"accounts","columns":[
                    {"name":"tenant_id","type":"integer"},{"name":"id","type":"integer"}],
                   "constraints":[{"name":"accounts_pk","type":"primary_key","columns":["tenant_id","id"]}]}},
                  {"create_table":{"name":"members","columns":[
                    {"name":"tenant_id","type":"integer"},
                    {"name":"account_id","type":"integer","nullable":true},
                    {"name":"email","type":"text","nullable":true}],
                   "constraints":[
                    {"name":"members_email_unique","type":"unique","columns":["email"],"nulls_not_distinct":true},
                    {"name":"members_account_fk","type":"foreign_key","columns":["tenant_id","account_id"],
                      "references":{"table":"accounts","columns":["tenant_id","id"],"on_delete":"SET NULL",
                        "on_delete_set_columns":["account_id"]}}]}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO accounts (tenant_id, id) VALUES (1, 10)",
                            "INSERT INTO members (tenant_id, account_id) VALUES (1, 10)");
                    db.assertFails("23505", v2, "INSERT INTO members (tenant_id) VALUES (1)");
                    // only the listed column is set to NULL; tenant_id (NOT NULL) is kept
                    db.exec(v2, "DELETE FROM accounts WHERE id = 10");
                    assertEquals(List.of(row("1", null)), db.query(v2, "SELECT tenant_id, account_id FROM members"));
                },
                db -> {
                    assertFalse(db.relationExists("accounts"));
                    assertFalse(db.relationExists("members"));
                },
                db -> {
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM members"));
                    db.assertFails("23505", v2, "INSERT INTO members (tenant_id) VALUES (2)");
                });
    }

    @Test
    void laterOperationsSeeTheNewTableAndItsKeysAndEarlierRenames() {
        String v2 = h.version("02_books_keys");
        h.lifecycle("02_books_keys", """
                {"operations":[
                  {"rename_column":{"table":"authors","from":"id","to":"author_id"}},
                  {"create_table":{"name":"books","columns":[
                    {"name":"id","type":"integer","pk":true},
                    {"name":"code","type":"text","unique":true},
                    {"name":"author_id","type":"integer","nullable":true}],
                   "constraints":[{"name":"books_author_fk","type":"foreign_key","columns":["author_id"],
                     "references":{"table":"authors","columns":["author_id"]}}]}},
                  {"set_replica_identity":{"table":"books","identity":{"type":"index","index":"books_pkey"}}},
                  {"create_index":{"name":"books_author_idx","table":"books","columns":[{"column":"author_id"}]}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO books (id, code, author_id) VALUES (1, 'a', 1)");
                    db.assertFails("23503", v2, "INSERT INTO books (id, code, author_id) VALUES (2, 'b', 99)");
                    assertEquals("i", db.scalar("public", "SELECT relreplident FROM pg_class WHERE oid = "
                            + db.regclass("books")));
                },
                db -> assertFalse(db.relationExists("books")),
                db -> {
                    assertEquals(List.of("author_id", "name"), db.columns("authors"));
                    assertEquals("1", db.scalar(v2, "SELECT author_id FROM books"));
                    db.assertFails("23503", v2, "INSERT INTO books (id, code, author_id) VALUES (2, 'b', 99)");
                });
    }

    @Test
    void theNewTablesKeyIndexesAreKnownToLaterOperations() {
        // PostgreSQL names them <table>_pkey and <table>_<column>_key, and by the constraint's name
        for (String index : List.of("books_pkey", "books_code_key", "books_title_unique")) {
            MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_clash", """
                    {"operations":[
                      {"create_table":{"name":"books","columns":[
                        {"name":"id","type":"integer","pk":true},
                        {"name":"code","type":"text","unique":true},
                        {"name":"title","type":"text"}],
                       "constraints":[{"name":"books_title_unique","type":"unique","columns":["title"]}]}},
                      {"create_index":{"name":"%s","table":"authors","columns":[{"column":"name"}]}}]}"""
                    .formatted(index)));
            assertEquals("operations[1].create_index.name", e.path());
            assertEquals("index \"" + index + "\" already exists", e.detail());
        }
    }

    @Test
    void identifiersAreQuoted() {
        String table = "\"; drop table x; --";
        String t = Sql.ident(table);
        String v2 = h.version("02_quoted");
        h.lifecycle("02_quoted", """
                {"operations":[{"create_table":{"name":"\\"; drop table x; --","comment":"it's quoted","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"Full Name","type":"text","default":"'it''s me'","unique":true,"comment":"who's this",
                    "check":{"name":"Name \\"Check\\"","constraint":"length(\\"Full Name\\") > 1"}},
                  {"name":"Author Id","type":"integer","nullable":true,
                    "references":{"name":"Author FK","table":"authors","column":"id"}}],
                 "constraints":[{"name":"Id; Check","type":"check","check":"id > 0"}]}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO " + t + " DEFAULT VALUES",
                            "INSERT INTO " + t + " (\"Full Name\", \"Author Id\") VALUES ('bob', 1)");
                    assertEquals(List.of(row("it's me", null), List.of("bob", "1")),
                            db.query(v2, "SELECT \"Full Name\", \"Author Id\" FROM " + t + " ORDER BY id"));
                    db.assertFails("23514", v2, "INSERT INTO " + t + " (\"Full Name\") VALUES ('x')");
                    db.assertFails("23505", v2, "INSERT INTO " + t + " (\"Full Name\") VALUES ('bob')");
                    db.assertFails("23503", v2, "INSERT INTO " + t + " (\"Full Name\", \"Author Id\") VALUES ('zed', 7)");
                    assertTrue(db.relationExists(table));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM x"));
                    assertEquals("who's this", attribute(table, "Full Name", "col_description(attrelid, attnum)"));
                    assertEquals("it's quoted", db.scalar("public", "SELECT obj_description(" + db.regclass(table)
                            + ", 'pg_class')"));
                    assertEquals(List.of("Author FK", "Id; Check", "Name \"Check\""), db.query("public",
                            "SELECT conname FROM pg_constraint WHERE contype IN ('c', 'f') AND conrelid = "
                                    + db.regclass(table) + " ORDER BY conname").stream().map(r -> r.get(0)).toList());
                },
                db -> {
                    assertFalse(db.relationExists(table));
                    assertTrue(db.relationExists("x"), "the injected statement never ran");
                },
                db -> {
                    assertEquals(List.of("id", "Full Name", "Author Id"), db.columns(table));
                    assertEquals("bob", db.scalar(v2, "SELECT \"Full Name\" FROM " + t + " WHERE \"Author Id\" = 1"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM x"));
                });
    }

    @Test
    void aStartThatFailsOnAnExistingTableNeverDropsThatTable() {
        // With --skip-validation nothing stops a create_table of a name that is taken, so CREATE TABLE fails at
        // start. Undoing that start must not drop the table in the way: it is not the migration's.
        StartOptions skipValidation = new StartOptions(true, StartOptions.DEFAULT_BATCH_SIZE, null);
        String clash = """
                {"operations":[{"create_table":{"name":"authors","columns":[{"name":"id","type":"integer","pk":true}]}}]}""";
        assertThrows(PgRollException.class, () -> h.roll.start(Harness.migration("02_clash", clash), skipValidation));
        assertEquals(List.of("id", "name"), h.columns("authors"));
        assertEquals("ann", h.scalar(v1, "SELECT name FROM authors WHERE id = 1"));
        assertFalse(h.schemaExists(h.version("02_clash")));
        assertEquals(new Status(h.schema, "01_create", Status.COMPLETE), h.roll.status(), "the failed start is undone");
        // without version schemas no view pins the table, so nothing stops a DROP TABLE
        PgRoll noViews = PgRoll.open(h.roll.config().withUseVersionSchema(false));
        assertThrows(PgRollException.class, () -> noViews.start(Harness.migration("03_clash", clash), skipValidation));

        assertTrue(h.relationExists("authors"), "the existing table and its rows must survive");
        assertEquals("ann", h.scalar(v1, "SELECT name FROM authors WHERE id = 1"));
    }
}
