package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateIndexTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true},
                  {"name":"email","type":"text","nullable":true},
                  {"name":"score","type":"integer","nullable":true},
                  {"name":"tags","type":"text[]","nullable":true},
                  {"name":"doc","type":"tsvector","nullable":true},
                  {"name":"created_at","type":"timestamptz","nullable":true},
                  {"name":"Mixed Case","type":"text","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (name, email, score) VALUES ('alice', 'a@x', 1), ('bob', 'b@x', 0), ('bob', 'b@x', 0)");
        // Records the text of every CREATE INDEX that reaches the server, to see how indexes are built.
        h.execRaw("CREATE SCHEMA ddl_audit",
                "CREATE TABLE ddl_audit.log (id serial, query text)",
                """
                CREATE FUNCTION ddl_audit.record() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO ddl_audit.log (query) VALUES (current_query());
                END $$""",
                "CREATE EVENT TRIGGER ddl_audit ON ddl_command_end WHEN TAG IN ('CREATE INDEX') "
                        + "EXECUTE FUNCTION ddl_audit.record()");
    }

    private String indexDef(Harness db, String index) {
        return db.scalar("public", "SELECT pg_get_indexdef(" + db.regclass(index) + ")");
    }

    private void assertValidAndBuiltConcurrently(Harness db, String index) {
        assertEquals("t", db.scalar("public", "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = "
                + db.regclass(index)));
        assertEquals(List.of("CREATE"), db.query("public", "SELECT DISTINCT split_part(query, ' INDEX CONCURRENTLY ', 1) "
                        + "FROM ddl_audit.log WHERE query LIKE '%INDEX CONCURRENTLY ' || " + Sql.literal(Sql.ident(index))
                        + " || '%'").stream().map(r -> r.get(0).replace("UNIQUE", "").strip()).toList(),
                "index " + index + " must be built with CREATE INDEX CONCURRENTLY");
    }

    @Test
    void uniquePartialIndexWithPerColumnOptions() {
        h.lifecycle("02_index", """
                {"operations":[{"create_index":{"name":"users_email_idx","table":"users","unique":true,
                  "predicate":"score > 0","storage_parameters":"fillfactor=70","columns":[
                    {"column":"email","collate":"C","sort":"DESC","nulls":"LAST"},
                    {"column":"name","opclass":{"name":"text_pattern_ops"}}]}}]}""",
                db -> {
                    String def = indexDef(db, "users_email_idx");
                    assertTrue(def.startsWith("CREATE UNIQUE INDEX users_email_idx ON "), def);
                    assertTrue(def.endsWith(" USING btree (email COLLATE \"C\" DESC NULLS LAST, name text_pattern_ops) "
                            + "WITH (fillfactor='70') WHERE (score > 0)"), def);
                    assertValidAndBuiltConcurrently(db, "users_email_idx");
                    // the index is physical: both versions are held to it, but only where the predicate holds
                    String v2 = db.version("02_index");
                    db.exec(v1, "DELETE FROM users WHERE name = 'carol'");
                    db.assertFails("23505", v1, "INSERT INTO users (name, email, score) VALUES ('alice', 'a@x', 5)");
                    db.assertFails("23505", v2, "INSERT INTO users (name, email, score) VALUES ('alice', 'a@x', 5)");
                    db.exec(v2, "INSERT INTO users (name, email, score) VALUES ('carol', 'a@x', 0)");
                    db.exec(v1, "INSERT INTO users (name, email, score) VALUES ('carol', 'a@x', -1)");
                },
                db -> {
                    assertFalse(db.relationExists("users_email_idx"));
                    db.exec(v1, "INSERT INTO users (name, email, score) VALUES ('alice', 'a@x', 5)",
                            "DELETE FROM users WHERE score = 5");
                },
                db -> {
                    assertValidAndBuiltConcurrently(db, "users_email_idx");
                    db.assertFails("23505", db.version("02_index"),
                            "INSERT INTO users (name, email, score) VALUES ('alice', 'a@x', 5)");
                    assertEquals("2", db.scalar(db.version("02_index"), "SELECT count(*) FROM users WHERE name = 'carol'"));
                });
    }

    @Test
    void indexMethodsAndOpclassParameters() {
        String migration = """
                {"operations":[
                  {"create_index":{"name":"users_email_hash","table":"users","method":"hash","columns":[{"column":"email"}]}},
                  {"create_index":{"name":"users_tags_gin","table":"users","method":"gin","columns":[{"column":"tags"}]}},
                  {"create_index":{"name":"users_created_brin","table":"users","method":"brin",
                    "storage_parameters":"pages_per_range = 32","columns":[{"column":"created_at"}]}},
                  {"create_index":{"name":"users_name_spgist","table":"users","method":"spgist","columns":[{"column":"name"}]}},
                  {"create_index":{"name":"users_doc_gist","table":"users","method":"gist",
                    "columns":[{"column":"doc","opclass":{"name":"tsvector_ops","params":["siglen=100"]}}]}},
                  {"create_index":{"name":"Mixed \\"Index\\"","table":"users","columns":[{"column":"Mixed Case"}]}}]}""";
        List<List<String>> expected = List.of(List.of("Mixed \"Index\"", "btree"), List.of("users_created_brin", "brin"),
                List.of("users_doc_gist", "gist"), List.of("users_email_hash", "hash"),
                List.of("users_name_spgist", "spgist"), List.of("users_tags_gin", "gin"));
        String methods = "SELECT c.relname, am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = " + h.regclass("users")
                + " AND NOT i.indisprimary ORDER BY c.relname COLLATE \"C\"";
        h.lifecycle("02_indexes", migration,
                db -> {
                    assertEquals(expected, db.query("public", methods));
                    for (List<String> index : expected) {
                        assertValidAndBuiltConcurrently(db, index.get(0));
                    }
                    assertTrue(indexDef(db, "users_doc_gist").endsWith("USING gist (doc tsvector_ops (siglen='100'))"),
                            indexDef(db, "users_doc_gist"));
                    assertTrue(indexDef(db, "users_created_brin").endsWith("WITH (pages_per_range='32')"));
                    assertTrue(indexDef(db, "Mixed \"Index\"").endsWith("USING btree (\"Mixed Case\")"));
                    db.exec(db.version("02_indexes"), "INSERT INTO users (tags, doc) VALUES ('{a,b}', 'fat cat')",
                            "DELETE FROM users WHERE tags IS NOT NULL");
                },
                db -> assertEquals(List.of(), db.query("public", methods)),
                db -> assertEquals(expected, db.query("public", methods)));
    }

    @Test
    void indexOnAColumnAddedEarlierInTheSameMigration() {
        String v2 = h.version("02_add_and_index");
        h.lifecycle("02_add_and_index", """
                {"operations":[
                  {"add_column":{"table":"users","up":"lower(name)","column":{"name":"handle","type":"text","nullable":true}}},
                  {"create_index":{"name":"users_handle_idx","table":"users","unique":true,
                    "predicate":"handle <> 'bob'","columns":[{"column":"handle"}]}}]}""",
                db -> {
                    String def = indexDef(db, "users_handle_idx");
                    assertTrue(def.endsWith("(_pgroll_new_handle) WHERE (_pgroll_new_handle <> 'bob'::text)"), def);
                    assertValidAndBuiltConcurrently(db, "users_handle_idx");
                    db.assertFails("23505", v2, "INSERT INTO users (name, handle) VALUES ('x', 'alice')");
                },
                db -> assertFalse(db.relationExists("users_handle_idx")),
                db -> {
                    String def = indexDef(db, "users_handle_idx");
                    assertTrue(def.endsWith("(handle) WHERE (handle <> 'bob'::text)"), def);
                    db.assertFails("23505", v2, "INSERT INTO users (name, handle) VALUES ('x', 'alice')");
                    db.exec(v2, "INSERT INTO users (name, handle) VALUES ('x', 'bob')");
                });
    }

    @Test
    void aStartThatFailsOnATakenIndexNameLeavesTheExistingIndex() {
        h.startAndComplete("02_index", """
                {"operations":[{"create_index":{"name":"users_name_idx","table":"users","columns":[{"column":"name"}]}}]}""");
        // with --skip-validation nothing stops the name clash; the index in the way is not the migration's to drop
        StartOptions skipValidation = new StartOptions(true, StartOptions.DEFAULT_BATCH_SIZE, null);
        assertThrows(PgRollException.class, () -> h.roll.start(Harness.migration("03_clash", """
                {"operations":[{"create_index":{"name":"users_name_idx","table":"users","columns":[{"column":"email"}]}}]}"""),
                skipValidation));
        assertTrue(h.relationExists("users_name_idx"), "the existing index must survive");
        assertTrue(indexDef(h, "users_name_idx").endsWith("(name)"));
        assertEquals(Status.COMPLETE, h.roll.status().status());
    }
}
