package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.HarnessTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API: PgRoll.configure() with locations, a pooled DataSource, listeners, history and validate. */
class PgRollApiTest extends HarnessTest {

    private static final String CREATE = """
            {"operations":[{"create_table":{"name":"books","columns":[
              {"name":"id","type":"serial","pk":true},{"name":"title","type":"text"}]}}]}""";
    private static final String ADD_PAGES = """
            operations:
              - add_column:
                  table: books
                  up: "0"
                  column: {name: pages, type: integer, nullable: false}
            """;
    private static final String ADD_INDEX = """
            {"operations":[{"create_index":{"name":"books_title","table":"books","columns":[{"column":"title"}]}}]}""";

    @TempDir
    Path dir;

    /** A jar holding db/pgroll/01 and 02, plus files a location must ignore, and a loader that sees it. */
    private ClassLoader jarLoader() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            entry(out, "db/pgroll/", null);
            entry(out, "db/pgroll/01_create_books.json", CREATE);
            entry(out, "db/pgroll/02_add_pages.yaml", ADD_PAGES);
            entry(out, "db/pgroll/README.md", "not a migration");
            entry(out, "db/pgroll/old/00_ignored.json", "{ broken");
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    private static void entry(JarOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        if (content != null) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        out.closeEntry();
    }

    private Path filesystemLocation() throws IOException {
        Path fs = Files.createDirectories(dir.resolve("more"));
        Files.writeString(fs.resolve("03_index_title.json"), ADD_INDEX);
        return fs;
    }

    @Test
    void migratesFromAJarOnTheClassPathAndADirectoryTogetherInNameOrder() throws Exception {
        List<PgRollEvent> events = new CopyOnWriteArrayList<>();
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema)
                .locations("classpath:db/pgroll", "filesystem:" + filesystemLocation())
                .classLoader(jarLoader())
                .listener(events::add)
                .load();
        assertEquals(List.of("01_create_books", "02_add_pages", "03_index_title"),
                pgroll.migrations().stream().map(m -> m.name()).toList());

        ValidateResult before = pgroll.validate();
        assertEquals(List.of("01_create_books", "02_add_pages", "03_index_title"), before.pending());

        MigrateResult result = pgroll.migrate();
        assertEquals(List.of("01_create_books", "02_add_pages", "03_index_title"), result.applied());
        assertFalse(result.lastCompleted());
        assertEquals(List.of(
                "Starting 01_create_books", "Started 01_create_books", "Completed 01_create_books",
                "Starting 02_add_pages", "Started 02_add_pages", "Completed 02_add_pages",
                "Starting 03_index_title", "Started 03_index_title"),
                events.stream().filter(e -> !(e instanceof PgRollEvent.BackfillProgress))
                        .map(e -> e.getClass().getSimpleName() + " " + e.migrationName()).toList());

        List<HistoryEntry> history = pgroll.history();
        assertEquals(List.of("01_create_books", "02_add_pages", "03_index_title"),
                history.stream().map(HistoryEntry::name).toList());
        assertEquals(List.of(true, true, false), history.stream().map(HistoryEntry::done).toList());
        assertEquals("02_add_pages", history.get(2).parent());
        assertEquals(HistoryEntry.Type.PGROLL, history.get(0).type());
        assertTrue(pgroll.validate().upToDate());
        assertEquals("03_index_title", pgroll.validate().activeMigration());

        CompleteResult completed = pgroll.complete();
        assertEquals(new CompleteResult("03_index_title", h.schema + "_03_index_title"), completed);
        assertEquals(new PgRollEvent.Completed("03_index_title", completed), events.get(events.size() - 1));
        assertEquals(Status.COMPLETE, pgroll.status().status());
        assertEquals("0", h.scalar(h.version("03_index_title"), "SELECT count(*) FROM books"));
    }

    /** The batch target steers adaptive batches: a shorter one cuts the same backfill into many more batches. */
    @Test
    void batchTargetSetsHowLongBatchesTake() throws Exception {
        List<PgRollEvent> events = new CopyOnWriteArrayList<>();
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema).classLoader(jarLoader())
                .listener(events::add).load();
        pgroll.start("01_create_books");
        pgroll.complete();
        h.execRaw("INSERT INTO " + h.schema + ".books (title) SELECT 'book ' || i FROM generate_series(1, 300000) i",
                "ANALYZE " + h.schema + ".books");
        Migration addPages = pgroll.migrations().get(1);

        List<Long> batches = new ArrayList<>();
        for (java.time.Duration target : List.of(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(400))) {
            events.clear();
            pgroll.start(addPages, StartOptions.defaults().withBatchTarget(target));
            batches.add(events.stream().filter(e -> e instanceof PgRollEvent.BackfillProgress).count());
            assertEquals("300000", h.scalar(h.version("02_add_pages"), "SELECT count(*) FROM books WHERE pages = 0"));
            pgroll.rollback();
        }
        assertTrue(batches.get(0) > 3 * batches.get(1), "batches at 10 ms and at 400 ms: " + batches);
    }

    @Test
    void startByNameAndRollBackTellTheListener() throws Exception {
        List<PgRollEvent> events = new CopyOnWriteArrayList<>();
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema).classLoader(jarLoader())
                .listener(events::add).load();
        pgroll.start("01_create_books");
        pgroll.complete();
        h.execRaw("INSERT INTO " + h.schema + ".books (title) VALUES ('Dune'), ('Emma')");
        events.clear();
        StartResult started = pgroll.start("02_add_pages");
        assertEquals(h.schema + "_02_add_pages", started.versionSchema());
        assertEquals("0", h.scalar(started.versionSchema(), "SELECT sum(pages) FROM books"));
        assertEquals(new RollbackResult("02_add_pages"), pgroll.rollback());
        assertEquals(new PgRollEvent.RolledBack("02_add_pages"), events.get(events.size() - 1));
        assertEquals(new PgRollEvent.Starting("02_add_pages"), events.get(0));
        MigrationFileException unknown = assertThrows(MigrationFileException.class, () -> pgroll.start("09_nope"));
        assertEquals("09_nope: no migration of this name in [classpath:db/pgroll]", unknown.getMessage());
    }

    @Test
    void aListenerThatFailsCannotBreakAMigration() throws Exception {
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema).classLoader(jarLoader())
                .listener(event -> {
                    throw new IllegalStateException("listener bug");
                }).load();
        assertEquals(List.of("01_create_books", "02_add_pages"),
                pgroll.migrate(MigrateOptions.defaults().completing()).applied());
        assertEquals(Status.COMPLETE, pgroll.status().status());
    }

    @Test
    void locationErrorsNameTheLocation() throws Exception {
        PgRoll missing = PgRoll.configure().url(h.url).locations("classpath:db/nowhere").classLoader(jarLoader())
                .load();
        assertEquals("classpath:db/nowhere: not found on the class path",
                assertThrows(MigrationFileException.class, missing::migrations).getMessage());

        Path twice = Files.createDirectories(dir.resolve("twice"));
        Files.writeString(twice.resolve("01_create_books.yaml"), ADD_PAGES);
        PgRoll duplicate = PgRoll.configure().url(h.url).classLoader(jarLoader())
                .locations("classpath:db/pgroll", twice.toString()).load();
        assertEquals("01_create_books: migration found twice, in classpath:db/pgroll and in " + twice,
                assertThrows(MigrationFileException.class, duplicate::migrations).getMessage());

        assertEquals("no database configured: give PgRoll.configure() a dataSource(..) or a url(..)",
                assertThrows(PgRollException.class, () -> PgRoll.configure().load()).getMessage());
    }

    @Test
    void validateRefusesAnAppliedFileThatChanged() throws Exception {
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema).classLoader(jarLoader()).load();
        pgroll.migrate(MigrateOptions.defaults().completing());
        Path edited = Files.createDirectories(dir.resolve("edited"));
        Files.writeString(edited.resolve("01_create_books.json"), CREATE.replace("title", "name"));
        PgRoll changed = PgRoll.configure().url(h.url).schema(h.schema).locations(edited.toString()).load();
        MigrationStateException e = assertThrows(MigrationStateException.class, changed::validate);
        assertTrue(e.getMessage().contains("01_create_books"), e.getMessage());
    }

    /**
     * A pool hands pgroll the connections its application uses: after a migration they come back with the settings
     * the pool gave them (search_path, lock_timeout, application_name, role, autocommit) and nothing of pgroll's.
     */
    @Test
    void aPooledDataSourceGetsItsConnectionsBackAsTheyWere() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(h.url);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(2);
        config.setConnectionInitSql("SET search_path TO app_schema, public; SET lock_timeout = '7s'");
        config.addDataSourceProperty("ApplicationName", "bookshop");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            List<String> before = sessionsOf(pool);
            String user = h.scalar("public", "SELECT current_user");
            assertEquals(List.of("app_schema, public | 7s | bookshop | " + user + " |  | autocommit true",
                    "app_schema, public | 7s | bookshop | " + user + " |  | autocommit true"), before);
            PgRoll pgroll = PgRoll.configure().dataSource(pool).schema(h.schema)
                    .lockTimeout(java.time.Duration.ofMillis(300)).classLoader(jarLoader()).load();
            assertEquals(List.of("01_create_books", "02_add_pages"), pgroll.migrate().applied());
            pgroll.complete();
            assertEquals(Status.COMPLETE, pgroll.status().status());
            assertEquals(before, sessionsOf(pool));
            assertEquals("2", h.scalar("public", "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    + "'bookshop' AND datname = current_database()"));
        }
    }

    /** The settings of both pool connections, borrowed together so that both are seen. */
    private static List<String> sessionsOf(HikariDataSource pool) throws SQLException {
        try (Connection a = pool.getConnection(); Connection b = pool.getConnection()) {
            List<String> sessions = new ArrayList<>();
            for (Connection c : List.of(a, b)) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting("
                        + "'search_path'), current_setting('lock_timeout'), current_setting('application_name'), "
                        + "current_user, coalesce(current_setting('pgroll.no_inferred_migrations', true), '')")) {
                    rs.next();
                    sessions.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3) + " | "
                            + rs.getString(4) + " | " + rs.getString(5) + " | autocommit " + c.getAutoCommit());
                }
            }
            return sessions;
        }
    }

    /** One PgRoll shared by threads: reads run alongside a migration, and two migrations never run at once. */
    @Test
    void oneInstanceIsSharedByThreads() throws Exception {
        PgRoll pgroll = PgRoll.configure().url(h.url).schema(h.schema).classLoader(jarLoader()).load();
        pgroll.migrate(MigrateOptions.defaults().completing());
        h.execRaw("INSERT INTO " + h.schema + ".books (title, pages) SELECT 'b' || g, g FROM generate_series(1, 20000) g");
        Path next = Files.createDirectories(dir.resolve("next"));
        Files.writeString(next.resolve("04_title_varchar.json"), """
                {"operations":[{"alter_column":{"table":"books","column":"title","type":"varchar(200)",
                  "up":"title","down":"title"}}]}""");
        PgRoll shared = PgRoll.configure().url(h.url).schema(h.schema).backfillBatchSize(500)
                .locations("classpath:db/pgroll", next.toString()).classLoader(jarLoader()).load();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<MigrateResult>> migrations = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                migrations.add(threads.submit(() -> shared.migrate(
                        MigrateOptions.defaults().waitingForLock(java.time.Duration.ofSeconds(60)))));
            }
            List<Future<Status>> reads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                reads.add(threads.submit(shared::status));
            }
            for (Future<Status> read : reads) {
                assertEquals(h.schema, read.get().schema());
            }
            List<List<String>> applied = new ArrayList<>();
            for (Future<MigrateResult> m : migrations) {
                applied.add(m.get().applied());
            }
            applied.sort((x, y) -> y.size() - x.size());
            // the one that waited found the work done: the migration was active, so it applied nothing
            assertEquals(List.of(List.of("04_title_varchar"), List.of()), applied);
        } finally {
            threads.shutdownNow();
        }
        assertEquals("04_title_varchar", shared.status().version());
        assertNull(shared.status().note());
    }
}
