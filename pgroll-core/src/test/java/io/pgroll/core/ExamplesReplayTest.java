package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.SetReplicaIdentity;
import io.pgroll.core.testing.CatalogSnapshot;
import io.pgroll.core.testing.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Replays the whole history in examples/ (then its PostgreSQL 15+ continuation in examples/postgres15/, on servers
 * that have it) on a fresh database, in the schema given by {@code pgroll.test.schema} (default public). Every migration runs start → rollback → start → complete; the schema after the rollback must be
 * identical (by catalog snapshot) to the schema before the start, and nothing named {@code _pgroll_} may remain
 * after the complete. A few rows are written into each table right after the migration that creates it, through
 * that migration's version schema, so that later backfills have work and new constraints meet existing data. At the
 * end, some of the converted values are read back through the latest version.
 *
 * <p>One dynamic test per migration, in order. A migration whose start, rollback or complete throws stops the
 * replay (the later ones are skipped); a rollback that leaves a different schema fails its own test but the replay
 * goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesReplayTest {

    /**
     * Rows written after a migration completes, through its version schema, keyed by migration name. Values are
     * chosen to give the later up/down expressions something to convert: a NULL email (22), a mixed-case email
     * (23), a title over 200 characters (25), a review of a member that does not exist and out-of-range or missing
     * ratings (29, 30), a loan returned before it was made (43), a borrower who is not a member (41).
     */
    private static final Map<String, List<String>> SEEDS = Map.of(
            "01_create_library_tables", List.of(
                    "INSERT INTO authors (name, email, born_on) VALUES"
                            + " ('Ursula K. Le Guin', 'ursula@example.org', '1929-10-21'),"
                            + " ('Terry Pratchett', NULL, '1948-04-28'),"
                            + " ('Octavia E. Butler', 'octavia@example.org', NULL)",
                    "INSERT INTO books (title, author_id, price, published)"
                            + " SELECT v.title, a.id, v.price, v.published FROM (VALUES"
                            + " ('A Wizard of Earthsea', 'Ursula K. Le Guin', 12.50, true),"
                            + " ('The Dispossessed', 'Ursula K. Le Guin', 24.00, true),"
                            + " ('Small Gods', 'Terry Pratchett', 9.99, true),"
                            + " ('Kindred', 'Octavia E. Butler', 15.00, false),"
                            + " ('The Collected ' || repeat('Stories, ', 30), 'Ursula K. Le Guin', 30.00, true))"
                            + " AS v (title, author, price, published) JOIN authors a ON a.name = v.author"
                            + " ORDER BY v.price"),
            "05_create_loans_with_sql", List.of(
                    "INSERT INTO loans (book_id, borrower, loaned_at, returned_at)"
                            + " SELECT b.id, v.borrower, v.loaned_at::timestamptz, v.returned_at::timestamptz FROM (VALUES"
                            + " ('Small Gods', 'Ada Lovelace', '2024-05-01 12:00+00', '2024-05-20 16:00+00'),"
                            + " ('Kindred', 'Alan Turing', '2024-06-02 12:00+00', NULL),"
                            + " ('The Dispossessed', 'Grace Hopper', '2024-03-10 12:00+00', '2024-03-01 12:00+00'))"
                            + " AS v (title, borrower, loaned_at, returned_at) JOIN books b ON b.title = v.title"),
            "08_create_members", List.of(
                    "INSERT INTO members (card_number, full_name, email, phone) VALUES"
                            + " ('C-0001', 'Ada Lovelace', 'Ada.Lovelace@Example.org', NULL),"
                            + " ('C-0002', 'Alan Turing', NULL, '+44 20 7946 0000'),"
                            + " ('C-0003', 'Hedy Lamarr', 'hedy@example.org', NULL)"),
            "09_create_branches", List.of(
                    "INSERT INTO branches (code, name, city, opened_on) VALUES"
                            + " ('CEN', 'Central', 'Springfield', '1901-05-01'),"
                            + " ('NOR', 'North End', 'Springfield', NULL),"
                            + " ('RIV', 'Riverside', 'Shelbyville', '1987-09-14')"),
            "28_create_reviews", List.of(
                    "INSERT INTO reviews (book_id, member_id, rating, body)"
                            + " SELECT b.id, coalesce(m.id, 999), v.rating, v.body FROM (VALUES"
                            + " ('Small Gods', 'C-0001', 5, 'Funny and wise'),"
                            + " ('Kindred', 'no such card', 7, NULL),"
                            + " ('A Wizard of Earthsea', 'C-0002', NULL, 'A classic'))"
                            + " AS v (title, card, rating, body) JOIN books b ON b.title = v.title"
                            + " LEFT JOIN members m ON m.card_number = v.card"),
            "38_create_branch_hours", List.of(
                    "INSERT INTO branch_hours (branch_id, weekday, opens, closes)"
                            + " SELECT b.id, d, '09:00'::time, '18:00'::time FROM branches b"
                            + " CROSS JOIN generate_series(1, 5) AS d WHERE b.code IN ('CEN', 'NOR')"),
            "48_create_book_requests", List.of(
                    "INSERT INTO book_requests (member_id, title)"
                            + " SELECT id, 'The Left Hand of Darkness' FROM members WHERE card_number = 'C-0003'"),
            "52_create_hall_bookings", List.of(
                    "INSERT INTO hall_bookings (event, during, cancelled) VALUES"
                            + " ('Reading: Earthsea', '[2025-03-01 18:00+00,2025-03-01 20:00+00)', false),"
                            + " ('Chess club', '[2025-03-01 19:00+00,2025-03-01 21:00+00)', true),"
                            + " ('Poetry night', '[2025-03-02 18:00+00,2025-03-02 20:00+00)', false)"),
            "54_create_shelves_and_copies", List.of(
                    "INSERT INTO shelves (branch_id, code, label)"
                            + " SELECT id, 'F1', 'Fantasy' FROM branches WHERE code = 'CEN'",
                    "INSERT INTO copies (book_id, branch_id, shelf_code)"
                            + " SELECT b.id, br.id, 'F1' FROM books b, branches br"
                            + " WHERE br.code = 'CEN' AND b.title = 'A Wizard of Earthsea'"));

    /**
     * The continuation of the history in examples/postgres15/: migrations that need PostgreSQL 15 or later. They run
     * after the main history, and are skipped on older servers (nothing else depends on them).
     */
    private static final String POSTGRES_15_DIR = "postgres15";

    private Harness h;
    private boolean stopped;
    private String latestVersionSchema;

    @BeforeAll
    void freshDatabase() {
        h = Harness.create();
    }

    static Path examplesDir() {
        for (Path p : List.of(Path.of("..", "examples"), Path.of("examples"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/ not found from " + Path.of("").toAbsolutePath());
    }

    @TestFactory
    Stream<DynamicTest> replayExamples() {
        List<Migration> migrations = MigrationReader.readDirectory(examplesDir());
        assertTrue(migrations.size() >= 45, "examples/ should hold a history of at least 45 migrations");
        List<Migration> postgres15 = MigrationReader.readDirectory(examplesDir().resolve(POSTGRES_15_DIR));
        Set<String> names = Stream.concat(migrations.stream(), postgres15.stream()).map(Migration::name)
                .collect(Collectors.toSet());
        assertTrue(names.containsAll(SEEDS.keySet()), "seeds for migrations that do not exist: " + SEEDS.keySet());
        List<DynamicTest> tests = new ArrayList<>();
        for (Migration m : migrations) {
            tests.add(DynamicTest.dynamicTest(m.name(), () -> replay(m, 0)));
        }
        for (Migration m : postgres15) {
            tests.add(DynamicTest.dynamicTest(POSTGRES_15_DIR + "/" + m.name(), () -> replay(m, 150000)));
        }
        tests.add(DynamicTest.dynamicTest("converted data through the latest version", this::convertedData));
        tests.add(DynamicTest.dynamicTest("indexes created by the examples survive later migrations",
                this::indexesSurvive));
        return tests.stream();
    }

    private void replay(Migration m, int minimumServerVersion) {
        Assumptions.assumeFalse(stopped, "an earlier example failed");
        Assumptions.assumeTrue(h.serverVersionNum() >= minimumServerVersion,
                () -> m.name() + " needs server_version_num >= " + minimumServerVersion);
        List<String> mismatch;
        stopped = true; // until this migration got through
        List<String> before = snapshot();
        h.roll.start(m, StartOptions.defaults());
        h.roll.rollback();
        List<String> afterRollback = snapshot();
        Set<String> identityNotRestored = m.operations().stream()
                .filter(op -> op instanceof SetReplicaIdentity).map(op -> ((SetReplicaIdentity) op).table())
                .collect(Collectors.toSet());
        mismatch = diff(withoutReplicaIdentity(before, identityNotRestored),
                withoutReplicaIdentity(afterRollback, identityNotRestored));

        h.roll.start(m, StartOptions.defaults());
        h.roll.complete();
        latestVersionSchema = h.schema + "_" + m.version();
        assertEquals(List.of(), h.leftovers(), "complete of " + m.name() + " left hidden objects behind");
        List<String> pgrollObjects = snapshot().stream().filter(line -> line.contains("_pgroll_")).toList();
        assertEquals(List.of(), pgrollObjects, "complete of " + m.name() + " left _pgroll_ objects behind");
        for (String statement : SEEDS.getOrDefault(m.name(), List.of())) {
            h.exec(latestVersionSchema, statement);
        }
        stopped = false;

        if (!mismatch.isEmpty()) {
            fail("schema after rollback of " + m.name() + " differs from the schema before its start ("
                    + "- only before, + only after rollback):\n" + String.join("\n", mismatch));
        }
    }

    /** Reads back, through the latest version, values that the examples' up expressions computed. */
    private void convertedData() {
        Assumptions.assumeFalse(stopped, "an earlier example failed");
        String v = latestVersionSchema;
        // 17: euros to cents; 02: pages estimated from the price; 12: placeholder ISBNs
        assertEquals(List.of(List.of("Small Gods", "999", "200", "9780000000001"),
                        List.of("The Dispossessed", "2400", "400", "9780000000004")),
                h.query(v, "SELECT title, price_cents, pages, isbn FROM books"
                        + " WHERE title IN ('Small Gods', 'The Dispossessed') ORDER BY title"));
        // 25: titles cut to 200 characters
        assertEquals("200", h.scalar(v, "SELECT max(length(title)) FROM books"));
        // 22, 23: placeholder email for members without one, emails lower-cased
        assertEquals(List.of(List.of("C-0001", "ada.lovelace@example.org"), List.of("C-0002", "c-0002@members.invalid"),
                        List.of("C-0003", "hedy@example.org")),
                h.query(v, "SELECT card_number, email FROM members ORDER BY card_number"));
        // 13, 14, 31: everyone at the oldest branch, a distinct token per member, limits of 5 kept as smallint
        assertEquals(List.of(List.of("3", "1", "3", "smallint", "5")),
                h.query(v, "SELECT count(*), count(DISTINCT home_branch_id), count(DISTINCT card_token),"
                        + " pg_typeof(max(max_loans))::text, max(max_loans) FROM members"));
        // 29, 30: dangling member reference cleared, ratings defaulted and clamped
        assertEquals(List.of(List.of("A classic", "3", "true"), List.of("Funny and wise", "5", "true"),
                        List.of("(none)", "5", "false")),
                h.query(v, "SELECT coalesce(body, '(none)'), rating, (member_id IS NOT NULL)::text FROM reviews"
                        + " ORDER BY body NULLS LAST"));
        // 41, 43, 45, 53: member matched by name, return date repaired, due three weeks after the loan
        assertEquals(List.of(
                        List.of("Ada Lovelace", "true", "2024-05-22", "false"),
                        List.of("Alan Turing", "true", "2024-06-23", "false"),
                        List.of("Grace Hopper", "false", "2024-03-31", "true")),
                h.query(v, "SELECT borrower_name, (member_id IS NOT NULL)::text, due_on,"
                        + " coalesce(returned_at = loaned_at, false)::text FROM loans ORDER BY borrower_name"));
        // 27, 31: a new member must give a join date, and gets the new loan limit
        h.exec(v, "INSERT INTO members (card_number, full_name, email, joined_on)"
                + " VALUES ('C-0004', 'Grace Hopper', 'grace@example.org', '2025-01-06')");
        assertEquals(List.of(List.of("3", "grace hopper", "true")),
                h.query(v, "SELECT max_loans, search_name, (card_token IS NOT NULL)::text FROM members"
                        + " WHERE card_number = 'C-0004'"));
    }

    /**
     * Later migrations rebuild columns (alter_column, create_constraint, drop_*constraint duplicate them and drop the
     * original at complete); the indexes that earlier examples created on or over those columns must come through
     * with their full definition: method, sort order, operator class, INCLUDE columns, storage parameters, predicate.
     */
    private void indexesSurvive() {
        Assumptions.assumeFalse(stopped, "an earlier example failed");
        Map<String, String> expected = Map.ofEntries(
                Map.entry("books_author_id_idx", "CREATE INDEX books_author_id_idx ON books USING btree (author_id)"),
                Map.entry("books_tags_idx", "CREATE INDEX books_tags_idx ON books USING gin (tags)"),
                Map.entry("books_isbn_hash_idx",
                        "CREATE INDEX books_isbn_hash_idx ON books USING hash (isbn) WITH (fillfactor='70')"),
                Map.entry("branches_city_name_key", "CREATE UNIQUE INDEX branches_city_name_key ON branches"
                        + " USING btree (city, name) INCLUDE (code) WITH (fillfactor='90')"),
                Map.entry("branches_code_idx", "CREATE UNIQUE INDEX branches_code_idx ON branches USING btree (code)"),
                Map.entry("branch_hours_pkey",
                        "CREATE UNIQUE INDEX branch_hours_pkey ON branch_hours USING btree (branch_id, weekday)"),
                Map.entry("hall_bookings_no_overlap", "CREATE INDEX hall_bookings_no_overlap ON hall_bookings"
                        + " USING gist (during) WHERE (NOT cancelled)"),
                Map.entry("loans_open_by_book_idx", "CREATE INDEX loans_open_by_book_idx ON loans"
                        + " USING btree (book_id) WHERE (returned_at IS NULL)"),
                Map.entry("loans_returned_at_idx",
                        "CREATE INDEX loans_returned_at_idx ON loans USING btree (returned_at DESC, loaned_at)"),
                Map.entry("members_email_key", "CREATE UNIQUE INDEX members_email_key ON members USING btree (email)"),
                Map.entry("writers_full_name_prefix_idx", "CREATE INDEX writers_full_name_prefix_idx ON writers"
                        + " USING btree (full_name text_pattern_ops)"));
        Map<String, String> actual = h.query(h.schema, "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i' AND n.nspname = "
                        + Sql.literal(h.schema)).stream()
                .collect(Collectors.toMap(r -> r.get(0), r -> r.get(1).replace(" ON " + h.schema + ".", " ON ")
                        .replace(" ON " + Sql.ident(h.schema) + ".", " ON ")));
        List<String> wrong = new ArrayList<>();
        expected.forEach((name, def) -> {
            if (!def.equals(actual.get(name))) {
                wrong.add("expected: " + def + "\n     got: " + actual.get(name));
            }
        });
        if (!wrong.isEmpty()) {
            fail(wrong.size() + " index(es) lost or changed by later migrations:\n" + String.join("\n", wrong.stream()
                    .sorted().toList()));
        }
    }

    /** Lines of the snapshot, with the replica identity of the given tables blanked out. */
    private static List<String> withoutReplicaIdentity(List<String> snapshot, Set<String> tables) {
        if (tables.isEmpty()) {
            return snapshot;
        }
        List<String> out = new ArrayList<>();
        for (String line : snapshot) {
            String l = line;
            for (String t : tables) {
                if (l.startsWith("relation " + t + " ") || l.startsWith("index " + t + " ")) {
                    l = l.replaceAll("replica_identity=\\S+", "replica_identity=(not restored by rollback)");
                }
            }
            out.add(l);
        }
        return out;
    }

    /** The lines only in {@code before} ("- ...") and only in {@code after} ("+ ..."). */
    private static List<String> diff(List<String> before, List<String> after) {
        Set<String> b = new HashSet<>(before);
        Set<String> a = new HashSet<>(after);
        List<String> out = new ArrayList<>();
        before.stream().filter(l -> !a.contains(l)).forEach(l -> out.add("- " + l));
        after.stream().filter(l -> !b.contains(l)).forEach(l -> out.add("+ " + l));
        return out;
    }

    private List<String> snapshot() {
        return CatalogSnapshot.of(h);
    }
}
