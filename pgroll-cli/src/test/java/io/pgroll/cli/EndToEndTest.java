package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a real server (one fresh database per test): init, start, status, complete, rollback,
 * migrate, latest and validate, with the sample migrations of examples/.
 */
class EndToEndTest {

    @TempDir
    Path dir;

    /** Target schema, as in pgroll's CI matrix: public, or another one with -Dpgroll.test.schema=non_public. */
    private static final String SCHEMA = System.getProperty("pgroll.test.schema", "public");

    private String jdbcUrl;
    private Cli cli;

    @BeforeEach
    void freshDatabase() throws SQLException {
        jdbcUrl = TestPostgres.newDatabase();
        if (!SCHEMA.equals("public")) {
            execute(jdbcUrl, "create schema \"" + SCHEMA + "\"");
        }
        cli = new Cli(dir).env("PGROLL_PG_URL", jdbcUrl).env("PGROLL_SCHEMA", SCHEMA);
    }

    private static Path example(String prefix) {
        return Examples.file(prefix);
    }

    /** The first seven examples (the library core the assertions below know about) in a directory of their own. */
    private String libraryCore() {
        return Examples.copyUpTo(7, dir.resolve("core")).toString();
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
        return r;
    }

    private Cli.Result fails(String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(1, r.exitCode(), String.join(" ", args) + "\n" + r);
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("Error: "), r.toString());
        return r;
    }

    private List<List<String>> query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(io.pgroll.core.ConnectionUrl.toJdbc(url));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(io.pgroll.core.ConnectionUrl.toJdbc(url));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String status(String version, String state) {
        return "{\n  \"schema\": \"" + SCHEMA + "\",\n  \"version\": \"" + version + "\",\n  \"status\": \"" + state + "\"\n}\n";
    }

    @Test
    void commandsNeedInit() {
        Cli.Result r = fails("status");
        assertEquals("Error: pgroll is not initialized, run 'pgroll init' to initialize", r.errLines().get(0));
        fails("start", example("01").toString());
        fails("complete");
        fails("rollback");
        fails("migrate", Examples.dir().toString());
        fails("latest", "schema");
        fails("validate", example("01").toString());
    }

    @Test
    void initStartStatusCompleteMigrate() throws Exception {
        assertEquals("Initialization complete\n", ok("init").out());
        assertEquals("Initialization complete\n", ok("init").out()); // idempotent
        assertEquals(status("", "No migrations"), ok("status").out());

        ok("validate", example("01").toString());
        assertEquals("", ok("validate", example("01").toString()).out());

        Cli.Result start = ok("start", example("01").toString());
        assertEquals("New version of the schema available under the postgres \"" + SCHEMA + "_01_create_library_tables\""
                + " schema\n", start.out());
        assertEquals(status("01_create_library_tables", "In progress"), ok("status").out());
        assertEquals(SCHEMA + "_01_create_library_tables\n", ok("latest", "schema").out());
        assertEquals("01_create_library_tables\n", ok("latest", "migration").out());

        // a second start while one is active fails
        fails("start", example("02").toString());

        assertEquals("Migration successful!\n", ok("complete").out());
        assertEquals(status("01_create_library_tables", "Complete"), ok("status").out());
        fails("complete"); // nothing active

        // rows through the version schema, then the remaining examples
        String url = ok("latest", "url").out().strip();
        assertTrue(url.startsWith(jdbcUrl), url);
        assertTrue(url.endsWith("options=-c%20search_path%3D" + SCHEMA + "_01_create_library_tables"), url);
        execute(url, "insert into authors (name) values ('Ursula K. Le Guin');"
                + "insert into books (title, author_id, price) values ('A Wizard of Earthsea', 1, 12.50),"
                + " ('The Dispossessed', 1, 24.00)");

        String core = libraryCore();
        Cli.Result migrate = ok("migrate", core, "--complete");
        assertEquals(List.of(
                "Migration \"02_add_book_pages\" complete",
                "Migration \"03_rename_author_name\" complete",
                "Migration \"04_index_books_by_author\" complete",
                "Migration \"05_create_loans_with_sql\" complete",
                "Migration \"06_drop_book_published_flag\" complete",
                "Migration \"07_rename_authors_to_writers\" complete"), migrate.out().lines().toList());
        assertEquals(status("07_rename_authors_to_writers", "Complete"), ok("status").out());
        assertEquals("Database is up to date; no migrations to apply\n", ok("migrate", core).out());

        String latest = ok("latest", "url").out().strip();
        assertTrue(latest.endsWith("search_path%3D" + SCHEMA + "_07_rename_authors_to_writers"), latest);
        assertEquals(List.of(List.of("A Wizard of Earthsea", "200", "Ursula K. Le Guin"),
                        List.of("The Dispossessed", "400", "Ursula K. Le Guin")),
                query(latest, "select b.title, b.pages, w.full_name from books b join writers w on w.id = b.author_id"
                        + " order by b.id"));
        assertEquals(List.of(List.of("0")), query(latest, "select count(*) from loans"));
    }

    @Test
    void pullWritesTheHistoryThatMigrateThenFindsUpToDate() throws Exception {
        ok("init");
        String core = libraryCore();
        ok("migrate", "--complete", core);
        Path pulled = dir.resolve("pulled");

        assertEquals("", ok("pull", pulled.toString()).out());

        try (var files = Files.list(Path.of(core))) {
            assertEquals(files.map(f -> f.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", ".yaml")).sorted()
                    .toList(), Files.list(pulled).map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals("Database is up to date; no migrations to apply\n", ok("migrate", pulled.toString()).out());
        ok("pull", "--json", pulled.toString());
        try (var files = Files.list(pulled)) {
            assertTrue(files.allMatch(f -> f.toString().endsWith(".yaml")), "nothing more to pull");
        }
        assertTrue(ok("analyze").out().contains("\"books\": {"));

        // an applied file edited afterwards stops migrate before it applies anything
        Path applied = pulled.resolve("03_rename_author_name.yaml");
        Files.writeString(applied, Files.readString(applied).replace("to: full_name", "to: display_name"));
        Files.writeString(pulled.resolve("99_later.json"), "{\"operations\":[{\"drop_table\":{\"name\":\"loans\"}}]}");
        assertEquals("Error: migration \"03_rename_author_name\" was changed after it was applied: operations[0] "
                + "(rename_column) differs from what was applied; restore the applied version of the file (pgroll pull "
                + "writes it) and put the change in a new migration", fails("migrate", pulled.toString()).errLines().get(0));
        assertEquals(status("07_rename_authors_to_writers", "Complete"), ok("status").out());
        assertEquals("Error: pgroll is not initialized, run 'pgroll init' to initialize",
                new Cli(dir).env("PGROLL_PG_URL", TestPostgres.newDatabase()).run("pull", "x").errLines().get(0));
    }

    @Test
    void startRollbackAndBothVersionsDuringAMigration() throws Exception {
        ok("init");
        assertEquals("Migration successful!\n", ok("start", "--complete", example("01").toString()).out());
        String v1 = ok("latest", "url").out().strip();
        execute(v1, "insert into authors (name) values ('Octavia E. Butler');"
                + "insert into books (title, author_id, price) values ('Kindred', 1, 15)");

        ok("start", example("02").toString());
        String v2 = ok("latest", "url").out().strip();
        assertTrue(v2.endsWith("search_path%3D" + SCHEMA + "_02_add_book_pages"), v2);
        // the new version sees the backfilled column, the old one does not have it
        assertEquals(List.of(List.of("Kindred", "200")), query(v2, "select title, pages from books"));
        assertEquals(List.of(List.of("Kindred", "15.00")),
                query(v1, "select title, price from " + SCHEMA + "_01_create_library_tables.books"));
        assertTrue(query(v1, "select column_name from information_schema.columns where table_schema ="
                + " '" + SCHEMA + "_01_create_library_tables' and table_name = 'books' and column_name = 'pages'").isEmpty());

        assertEquals("Migration rolled back. Changes made since the last version have been reverted\n",
                ok("rollback").out());
        assertEquals(status("01_create_library_tables", "Complete"), ok("status").out());
        fails("rollback"); // nothing active
    }

    @Test
    void backfillProgressOnATerminalEndsWithASummary() throws Exception {
        ok("init");
        ok("start", "--complete", example("01").toString());
        // long titles, five rows to a page: batches of 2 rows are then a page each, ten of them
        execute(ok("latest", "url").out().strip(), "insert into authors (name) values ('Ursula K. Le Guin');"
                + "insert into books (title, author_id, price) select 'Book ' || i || repeat('.', 1500), 1, 10 "
                + "from generate_series(1, 50) i");
        Cli.Result r = cli.terminal().run("start", "--backfill-batch-size", "2", example("02").toString());
        assertEquals(0, r.exitCode(), r.toString());
        // what the terminal shows once every \r has overwritten the line: the summary alone
        List<String> screen = List.of(r.err().split("\n")).stream()
                .map(l -> l.substring(l.lastIndexOf('\r') + 1)).toList();
        assertEquals(1, screen.size(), r.toString());
        assertTrue(screen.get(0).matches("books: 50 rows backfilled in \\d+\\.\\d s \\(\\d+ rows/s\\)"), r.toString());
        assertTrue(r.err().contains("\rbooks: 50 records complete... (100%)"), r.toString());
    }

    @Test
    void migrateLeavesTheLastActiveWithoutComplete() {
        ok("init");
        String core = libraryCore();
        Cli.Result r = ok("migrate", core);
        List<String> lines = r.out().lines().toList();
        assertEquals(7, lines.size(), r.toString());
        assertEquals("New version of the schema available under the postgres \"" + SCHEMA + "_07_rename_authors_to_writers\""
                + " schema", lines.get(6));
        assertEquals(status("07_rename_authors_to_writers", "In progress"), ok("status").out());
        // running it again is refused like start is, even though the active one is the last file
        String refused = "Error: migration \"07_rename_authors_to_writers\" is active; complete or roll it back first";
        assertEquals(refused, fails("migrate", core).errLines().get(0));
        assertEquals(refused, fails("migrate", core, "--complete").errLines().get(0));
        assertEquals(status("07_rename_authors_to_writers", "In progress"), ok("status").out());
        ok("complete");
        assertEquals("Database is up to date; no migrations to apply\n", ok("migrate", core, "--complete").out());
    }

    @Test
    void migrateWithAnActiveMigrationFailsAndAppliesNothing() throws Exception {
        ok("init");
        ok("start", "--complete", example("01").toString());
        ok("start", example("02").toString());
        String core = libraryCore();
        for (String[] args : List.of(new String[] {"migrate", core}, new String[] {"migrate", core, "--complete"})) {
            Cli.Result r = fails(args);
            assertEquals("", r.out(), r.toString());
            assertEquals("Error: migration \"02_add_book_pages\" is active; complete or roll it back first",
                    r.errLines().get(0));
        }
        assertEquals(status("02_add_book_pages", "In progress"), ok("status").out());
        assertEquals(List.of(List.of("0")), query(jdbcUrl, "select count(*) from information_schema.tables"
                + " where table_schema = '" + SCHEMA + "' and table_name in ('loans', 'writers')"));
        assertEquals(List.of(List.of("01_create_library_tables"), List.of("02_add_book_pages")), query(jdbcUrl,
                "select name from pgroll.migrations where schema = '" + SCHEMA + "' order by name"));
    }

    /** What pgroll's CI does with its examples: every file started and completed in order. */
    @Test
    void allExamplesMigrateAndComplete() {
        ok("init");
        List<io.pgroll.core.migration.Migration> all = Examples.all();
        Cli.Result r = ok("migrate", Examples.dir().toString(), "--complete");
        List<String> expected = all.stream().map(m -> "Migration \"" + m.name() + "\" complete").toList();
        assertEquals(expected, r.out().lines().toList());
        io.pgroll.core.migration.Migration last = all.get(all.size() - 1);
        assertEquals(status(last.version(), "Complete"), ok("status").out());
        assertEquals(SCHEMA + "_" + last.version() + "\n", ok("latest", "schema").out());
        assertEquals(last.name() + "\n", ok("latest", "migration").out());
    }

    @Test
    void expectOne() throws IOException {
        ok("init");
        fails("migrate", "--expect-one", Examples.dir().toString());
        Path one = Files.createDirectory(dir.resolve("one"));
        Files.copy(example("01"), one.resolve(example("01").getFileName()));
        assertEquals("Migration \"01_create_library_tables\" complete\n",
                ok("migrate", "--expect-one", "--complete", "one").out());
    }

    @Test
    void validateReportsSchemaErrors() throws IOException {
        ok("init");
        Files.writeString(dir.resolve("09_bad.json"),
                "{\"operations\": [{\"rename_column\": {\"table\": \"nope\", \"from\": \"a\", \"to\": \"b\"}}]}");
        Cli.Result r = fails("validate", "09_bad.json");
        assertTrue(r.err().contains("nope"), r.toString());
        fails("start", "09_bad.json");
        assertEquals(status("", "No migrations"), ok("status").out());
    }

    @Test
    void withoutVersionSchemas() {
        ok("init");
        Cli.Result r = ok("--use-version-schema=false", "start", example("01").toString());
        assertEquals("Migration \"01_create_library_tables\" started successfully\n", r.out());
        ok("complete");
    }

    @Test
    void otherTargetAndStateSchemas() throws Exception {
        execute(jdbcUrl, "create schema app");
        Cli other = new Cli(dir).env("PGROLL_PG_URL", jdbcUrl).env("PGROLL_SCHEMA", "app")
                .env("PGROLL_STATE_SCHEMA", "roll_state");
        assertEquals(0, other.run("init").exitCode());
        Cli.Result r = other.run("start", "--complete", example("01").toString());
        assertEquals(0, r.exitCode(), r.toString());
        Cli.Result s = other.run("status");
        assertEquals("{\n  \"schema\": \"app\",\n  \"version\": \"01_create_library_tables\",\n"
                + "  \"status\": \"Complete\"\n}\n", s.out());
        assertEquals("app_01_create_library_tables\n", other.run("latest", "schema").out());
        assertFalse(query(jdbcUrl, "select 1 from information_schema.schemata where schema_name = 'roll_state'")
                .isEmpty());
        // the default state schema was never created, so pgroll with defaults is not initialised
        Cli.Result plain = cli.run("status");
        assertEquals(1, plain.exitCode(), plain.toString());
    }
}
