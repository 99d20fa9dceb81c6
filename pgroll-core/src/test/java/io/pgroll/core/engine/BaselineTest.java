package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.BaselineResult;
import io.pgroll.core.baseline.Baseline;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.SqlScript;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.testing.CatalogSnapshot;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that another tool built gets a baseline: the history starts there, and the baseline file re-creates
 * the schema on an empty database, object for object, so the migrations directory alone rebuilds it.
 */
class BaselineTest extends HarnessTest {

    /** Every kind of object the baseline file re-creates, as plain SQL would build them. */
    static final String EVERY_KIND_OF_OBJECT = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN positive_int AS integer DEFAULT 1 NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
            CREATE TYPE address AS (street text, city varchar(40));
            CREATE TYPE price_range AS RANGE (subtype = numeric);
            CREATE SEQUENCE invoice_numbers AS bigint START WITH 1000 INCREMENT BY 10;
            CREATE FUNCTION slugify(t text) RETURNS text LANGUAGE sql IMMUTABLE
              BEGIN ATOMIC SELECT lower(replace(t, ' ', '-')); END;
            CREATE TABLE authors (
              id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100) PRIMARY KEY,
              name text COLLATE "C" NOT NULL,
              slug text GENERATED ALWAYS AS (slugify(name)) STORED,
              mood mood DEFAULT 'ok',
              home address,
              CONSTRAINT authors_name_key UNIQUE (name)
            ) WITH (fillfactor = 90);
            ALTER TABLE authors REPLICA IDENTITY FULL;
            CREATE TABLE books (
              id serial PRIMARY KEY,
              author_id bigint NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
              title text NOT NULL CHECK (length(title) > 0),
              pages positive_int,
              prices price_range,
              invoice bigint DEFAULT nextval('invoice_numbers'),
              tags text[] DEFAULT '{}',
              created_at timestamptz NOT NULL DEFAULT now(),
              EXCLUDE USING gist (prices WITH &&)
            );
            ALTER TABLE books ADD CONSTRAINT books_pages_check CHECK (pages < 10000) NOT VALID;
            CREATE TABLE reviews (id int PRIMARY KEY, book_id int REFERENCES books,
              parent_id int REFERENCES reviews (id) DEFERRABLE INITIALLY DEFERRED, body text);
            CREATE INDEX books_title_lower_idx ON books (lower(title));
            CREATE UNIQUE INDEX books_live_title ON books (title) WHERE created_at > '2020-01-01';
            CREATE INDEX books_tags_idx ON books USING gin (tags);
            COMMENT ON TABLE books IS 'Books we sell';
            COMMENT ON COLUMN books.title IS 'Title as printed';
            COMMENT ON TYPE mood IS 'how it went';
            COMMENT ON INDEX books_title_lower_idx IS 'case-insensitive search';
            COMMENT ON CONSTRAINT books_pages_check ON books IS 'sanity';
            CREATE VIEW long_books WITH (security_barrier) AS
              SELECT b.id, b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id WHERE b.pages > 300;
            COMMENT ON VIEW long_books IS 'over 300 pages';
            COMMENT ON COLUMN long_books.title IS 'from books';
            CREATE MATERIALIZED VIEW books_per_author AS SELECT author_id, count(*) AS books FROM books GROUP BY author_id;
            CREATE INDEX books_per_author_idx ON books_per_author (author_id);
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;
            CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE TRIGGER books_touch_on_insert BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION touch();
            ALTER TABLE books DISABLE TRIGGER books_touch_on_insert;
            CREATE PROCEDURE archive(cutoff timestamptz) LANGUAGE sql AS $$ DELETE FROM books WHERE created_at < cutoff $$;
            CREATE TABLE events (id int, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE TABLE events_other PARTITION OF events DEFAULT;
            CREATE INDEX events_at_idx ON events (at);
            ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
            CREATE POLICY reviews_visible ON reviews FOR SELECT USING (body IS NOT NULL);
            CREATE RULE authors_kept AS ON DELETE TO authors WHERE OLD.mood = 'happy' DO INSTEAD NOTHING;
            CREATE STATISTICS books_stats (dependencies) ON author_id, pages FROM books;
            CREATE UNLOGGED TABLE scratch (k text PRIMARY KEY, v jsonb);
            CREATE TABLE "odd ""name""; drop table x; --" ("col; x" int);
            """;

    @TempDir
    Path dir;
    private static void build(String url, String schema, String sql) {
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + Sql.ident(schema));
            for (String statement : SqlScript.split(sql)) {
                s.execute(statement);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String name, String json) throws Exception {
        Files.writeString(dir.resolve(name + ".json"), json);
    }

    private static List<String> migrate(PgRoll roll, Path dir) {
        return roll.migrate(MigrationReader.readDirectory(dir), true, false, StartOptions.defaults()).applied();
    }

    private String stateRows(Harness on, String where) {
        return on.scalar("public", "SELECT count(*) FROM pgroll.migrations WHERE schema = " + Sql.literal(on.schema)
                + " AND " + where);
    }

    @Test
    void theBaselineFileRebuildsEveryKindOfObjectOnAnEmptyDatabase() throws Exception {
        build(h.url, h.schema, EVERY_KIND_OF_OBJECT);
        BaselineResult result = h.roll.baseline("00_base", dir, false);
        assertEquals(dir.resolve("00_base.yaml"), result.file());
        assertTrue(result.objects() > 30, "objects: " + result.objects());
        Migration file = MigrationReader.read(result.file());
        assertTrue(Baseline.isBaselineFile(file));
        assertEquals("1", stateRows(h, "name = '00_base' AND migration_type = 'baseline' AND done"
                + " AND migration = '{\"operations\": []}'::jsonb AND resulting_schema -> 'tables' IS NOT NULL"));
        write("01_add_isbn", """
                {"operations":[{"add_column":{"table":"books","column":{"name":"isbn","type":"text","nullable":true}}}]}""");
        write("02_index_mood", """
                {"operations":[{"create_index":{"name":"authors_mood_idx","table":"authors","columns":[{"column":"mood"}]}}]}""");

        // where the baseline is recorded, its file is skipped and the two new files apply
        assertEquals(List.of("01_add_isbn", "02_index_mood"), migrate(h.roll, dir));
        assertEquals(List.of(), migrate(h.roll, dir));

        // a new database gets the same schema from the directory alone
        Harness fresh = new Harness(h.schema);
        assertEquals(List.of("00_base", "01_add_isbn", "02_index_mood"), migrate(fresh.roll, dir));
        assertEquals(CatalogSnapshot.of(h), CatalogSnapshot.of(fresh));
        // and it works: the identity starts where it was declared, the generated column and trigger run
        fresh.exec(fresh.version("02_index_mood"), "INSERT INTO authors (name) VALUES ('Ursula Le Guin')",
                "INSERT INTO books (author_id, title, pages) VALUES (100, 'Tehanu', 400)");
        assertEquals(List.of(List.of("100", "ursula-le-guin")),
                fresh.query(fresh.version("02_index_mood"), "SELECT id, slug FROM authors"));
        assertEquals("Tehanu", fresh.scalar(fresh.schema, "SELECT title FROM long_books"));
        fresh.assertFails("23514", fresh.version("02_index_mood"),
                "INSERT INTO books (author_id, title) VALUES (100, '')");
    }

    @Test
    void rollingBackTheReplayedBaselineLeavesAnEmptySchema() throws Exception {
        build(h.url, h.schema, EVERY_KIND_OF_OBJECT);
        Path file = h.roll.baseline("00_base", dir, true).file();
        Harness fresh = new Harness(h.schema);
        List<String> empty = CatalogSnapshot.of(fresh);
        fresh.roll.start(MigrationReader.read(file), StartOptions.defaults());
        fresh.roll.rollback();
        assertEquals(empty, CatalogSnapshot.of(fresh));
    }

    @Test
    void aRoleThatOwnsItsDatabaseRecordsAndReplaysABaseline() throws Exception {
        String[] urls = {TestPostgres.newDatabaseOwnedBy("app_owner"), TestPostgres.newDatabaseOwnedBy("app_owner")};
        build(urls[0], "public", EVERY_KIND_OF_OBJECT);
        PgRoll owned = PgRoll.open(PgRollConfig.of(urls[0]));
        PgRoll empty = PgRoll.open(PgRollConfig.of(urls[1]));
        owned.init();
        owned.baseline("00_base", dir, false);
        empty.init();
        assertEquals(List.of("00_base"), migrate(empty, dir));

        // the replay made a version schema; the baselined database has none until its next migration
        assertEquals(CatalogSnapshot.of(urls[0], "public"), CatalogSnapshot.of(urls[1], "public").stream()
                .filter(line -> !line.equals("schema public_00_base")).toList());
    }

    @Test
    void aSecondBaselineStartsTheHistoryAgainAndAnEmptyDatabaseStartsFromIt() throws Exception {
        build(h.url, h.schema, "CREATE TABLE t (id int PRIMARY KEY)");
        h.roll.baseline("00_base", dir, false);
        write("01_add", """
                {"operations":[{"add_column":{"table":"t","column":{"name":"v","type":"text","nullable":true}}}]}""");
        assertEquals(List.of("01_add"), migrate(h.roll, dir));
        build(h.url, h.schema, "CREATE TABLE by_hand (id int)");
        h.roll.baseline("02_base", dir, false);
        assertEquals("02_base", h.roll.latestMigrationName().orElseThrow());
        write("03_add", """
                {"operations":[{"add_column":{"table":"by_hand","column":{"name":"w","type":"int","nullable":true}}}]}""");
        assertEquals(List.of("03_add"), migrate(h.roll, dir));
        Harness fresh = new Harness(h.schema);
        assertEquals(List.of("02_base", "03_add"), migrate(fresh.roll, dir));
        assertEquals(CatalogSnapshot.of(h), CatalogSnapshot.of(fresh));
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        String before = stateRows(h, "migration_type <> 'inferred'");
        PgRollException e = assertThrows(PgRollException.class, () -> h.roll.baseline("00_base", dir, false));
        assertEquals("schema \"" + h.schema + "\" is empty: there is nothing to baseline; write the first migration "
                + "instead", e.getMessage());

        build(h.url, h.schema, "CREATE TABLE t (id int)");
        for (String name : List.of("../escape", "", "with space", "x".repeat(60))) {
            assertThrows(PgRollException.class, () -> h.roll.baseline(name, dir, false), name);
        }
        Files.writeString(dir.resolve("00_base.json"), "{\"operations\":[]}");
        e = assertThrows(PgRollException.class, () -> h.roll.baseline("00_base", dir, false));
        assertTrue(e.getMessage().contains("a migration file named \"00_base\" exists"), e.getMessage());
        assertEquals("{\"operations\":[]}", Files.readString(dir.resolve("00_base.json")));

        h.roll.baseline("01_base", dir, false);
        h.start("02_add", """
                {"operations":[{"add_column":{"table":"t","column":{"name":"v","type":"text","nullable":true}}}]}""");
        e = assertThrows(PgRollException.class, () -> h.roll.baseline("03_base", dir, false));
        assertEquals("migration \"02_add\" is active; complete or roll it back before recording a baseline",
                e.getMessage());
        e = assertThrows(PgRollException.class, () -> h.roll.baseline("01_base", dir.resolve("other"), false));
        h.roll.complete();
        e = assertThrows(PgRollException.class, () -> h.roll.baseline("02_add", dir.resolve("other"), false));
        assertTrue(e.getMessage().contains("already in the history"), e.getMessage());

        // an aggregate has no re-creation yet: refused by name rather than left out of the file
        build(h.url, h.schema, "CREATE AGGREGATE my_sum (int) (sfunc = int4pl, stype = int)");
        e = assertThrows(PgRollException.class, () -> h.roll.baseline("04_base", dir, false));
        assertTrue(e.getMessage().contains("aggregate ") && e.getMessage().contains(".my_sum"), e.getMessage());

        assertFalse(Files.exists(dir.resolve("03_base.yaml")) || Files.exists(dir.resolve("04_base.yaml")));
        assertFalse(Files.exists(dir.resolve("other")));
        assertEquals(Integer.parseInt(before) + 2 + "", stateRows(h, "migration_type <> 'inferred'"));
        assertEquals(List.of("00_base.json", "01_base.yaml"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void aFileAppliedBeforeTheBaselineMustNotSortAfterIt() throws Exception {
        write("05_create", """
                {"operations":[{"create_table":{"name":"t","columns":[{"name":"id","type":"int","pk":true}]}}]}""");
        assertEquals(List.of("05_create"), migrate(h.roll, dir));
        PgRollException e = assertThrows(PgRollException.class, () -> h.roll.baseline("01_base", dir, false));
        assertTrue(e.getMessage().startsWith("migration \"05_create\" is applied and its file sorts after \"01_base\""),
                e.getMessage());
        h.roll.baseline("06_base", dir, false);
        assertEquals(List.of(), migrate(h.roll, dir));
        assertTrue(MigrationReader.read(dir.resolve("06_base.yaml")).operations().get(0) instanceof RawSql);
    }
}
