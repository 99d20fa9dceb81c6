package io.pgroll.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Builds the sample project of src/it/library, which only declares the plugin, with the repository's Maven wrapper
 * against an embedded PostgreSQL, and checks what the goals did to the database and what they logged. The plugin and
 * its dependencies come from the repository that invoker:install filled in pre-integration-test; whatever else Maven
 * needs (the BOMs the parent pom imports) it copies from the outer build's local repository, which its settings put in
 * place of Maven Central, so no network is used and nothing is written there.
 */
class SampleProjectIT {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path MAVEN_WRAPPER = MODULE.resolveSibling("mvnw");
    private static final Path SAMPLE = MODULE.resolve("src/it/library");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/pgroll");
    private static final Path SETTINGS = MODULE.resolve("target/it/settings.xml");
    /** Target schema, as in the other modules' tests: public, or another one with -Dpgroll.test.schema=non_public. */
    private static final String SCHEMA = System.getProperty("pgroll.test.schema", "public");
    private static final String V1 = SCHEMA + "_01_create_library_tables";
    private static final String V2 = SCHEMA + "_02_add_book_pages";

    @Test
    void migrateLeavesTheLastMigrationActiveUntilComplete(TestInfo test) throws SQLException {
        String url = newDatabase();
        Path project = copyOfSample(test);

        Build validate = maven(project, url, "pgroll:validate");
        validate.assertSucceeded();
        validate.assertLogged("pgroll is not initialized in this database: all 2 migrations are pending");

        Build migrate = maven(project, url, "pgroll:migrate", "pgroll:validate", "pgroll:status");
        migrate.assertSucceeded();
        migrate.assertLogged("Migration \"01_create_library_tables\" complete");
        migrate.assertLogged("New version of the schema available under the postgres \"" + V2 + "\" schema");
        migrate.assertLogged("Migration \"02_add_book_pages\" is active");
        migrate.assertLogged(Messages.UP_TO_DATE);
        migrate.assertLogged("[INFO] schema: " + SCHEMA);
        migrate.assertLogged("[INFO] version: 02_add_book_pages");
        migrate.assertLogged("[INFO] status: In progress");
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            assertEquals(List.of(V1, V2), versionSchemas(s));
            // clients pick their version with search_path; the triggers fill in pages only for the old version's
            s.execute("set search_path = " + V1);
            s.execute("insert into authors (name) values ('Ursula K. Le Guin')");
            s.execute("set search_path = " + V2);
            s.execute("insert into books (title, author_id, price, pages) values ('Tehanu', 1, 30, 252)");
            assertEquals("Tehanu 252", single(s, "select title || ' ' || pages from " + V2 + ".books"));
            assertEquals("Tehanu", single(s, "select title from " + V1 + ".books"));
        }

        Build complete = maven(project, url, "pgroll:complete", "pgroll:history", "pgroll:migrate");
        complete.assertSucceeded();
        complete.assertLogged("Migration successful!");
        complete.assertLogged("02_add_book_pages  pgroll  complete");
        complete.assertLogged("Database is up to date; no migrations to apply");
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            assertEquals(List.of(V2), versionSchemas(s));
            assertEquals("Tehanu 252", single(s, "select title || ' ' || pages from " + SCHEMA + ".books"));
        }
    }

    @Test
    void startedMigrationRollsBack(TestInfo test) throws SQLException {
        String url = newDatabase();
        Path project = copyOfSample(test);

        Build first = maven(project, url, "pgroll:init", "pgroll:plan", "pgroll:start", "pgroll:plan",
                "-Dpgroll.complete=true");
        first.assertSucceeded();
        first.assertLogged("Initialization complete");
        first.assertLogged("Plan for migration \"01_create_library_tables\" on schema \"" + SCHEMA + "\"");
        first.assertLogged("Migration successful!");
        first.assertLogged("Plan for migration \"02_add_book_pages\" on schema \"" + SCHEMA + "\"");
        first.assertLogged("backfill books");

        Build start = maven(project, url, "pgroll:start", "-Dpgroll.migration=02_add_book_pages");
        start.assertSucceeded();
        start.assertLogged("New version of the schema available under the postgres \"" + V2 + "\" schema");
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            assertEquals(List.of(V1, V2), versionSchemas(s));
        }

        Build rollback = maven(project, url, "pgroll:rollback");
        rollback.assertSucceeded();
        rollback.assertLogged("Migration rolled back. Changes made since the last version have been reverted");
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            assertEquals(List.of(V1), versionSchemas(s));
            assertEquals("0", single(s, "select count(*) from information_schema.columns "
                    + "where table_schema = '" + SCHEMA + "' and table_name = 'books' and column_name like '%pages%'"));
        }
    }

    @Test
    void brokenMigrationFailsTheBuildWithItsMessageAndChangesNothing(TestInfo test) throws SQLException, IOException {
        String url = newDatabase();
        Path project = copyOfSample(test);
        Files.createDirectories(project.resolve("next"));
        Files.writeString(project.resolve("next/03_add_isbn.yaml"),
                "operations:\n  - add_column:\n      table: books\n      column:\n        name: isbn\n");

        // the user property replaces the pom's classpath location
        Build migrate = maven(project, url, "pgroll:migrate", "-Dpgroll.locations=filesystem:" + MIGRATIONS + ",next");

        migrate.assertFailed();
        migrate.assertLogged("03_add_isbn.yaml: operations[0].add_column.column.type: required");
        assertFalse(migrate.output().contains("\tat io.pgroll"), () -> "stack trace in the output:\n" + migrate);
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            assertEquals("0", single(s, "select count(*) from pg_namespace where nspname = 'pgroll'"));
            assertEquals(List.of(), versionSchemas(s));
            assertEquals("0", single(s, "select count(*) from pg_tables where schemaname = '" + SCHEMA + "'"));
        }
    }

    @Test
    void missingUrlFailsTheBuild(TestInfo test) {
        Build status = maven(copyOfSample(test), null, "pgroll:status");

        status.assertFailed();
        status.assertLogged("no database URL: set <url> in the plugin's configuration or -Dpgroll.url");
    }

    /** A fresh database with the target schema. */
    private static String newDatabase() throws SQLException {
        String url = TestPostgres.newDatabase();
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + SCHEMA);
        }
        return url;
    }

    /** The sample project copied to target/it/&lt;test&gt;, its pom naming the plugin version under test. */
    private static Path copyOfSample(TestInfo test) {
        Path copy = MODULE.resolve("target/it").resolve(test.getTestMethod().orElseThrow().getName());
        deleteRecursively(copy);
        try (Stream<Path> files = Files.walk(SAMPLE)) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(SAMPLE.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.writeString(to, Files.readString(from).replace("@project.version@",
                            System.getProperty("pgroll.it.version")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /** A copy left by an earlier run may hold files a test added. */
    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the wrapper's Maven on {@code project}, offline, with the plugin from the integration test repository. */
    private static Build maven(Path project, String url, String... goalsAndOptions) {
        List<String> command = new ArrayList<>(List.of(MAVEN_WRAPPER.toString(), "-B", "-ntp",
                "-s", settings().toString(), "-Dmaven.repo.local=" + System.getProperty("pgroll.it.repository")));
        if (url != null) {
            command.add("-Dpgroll.url=" + url);
        }
        command.add("-Dpgroll.schema=" + SCHEMA);
        command.addAll(List.of(goalsAndOptions));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
            // short builds: the JIT's top tier would not pay off before Maven exits
            builder.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1");
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), "Maven did not exit");
            return new Build(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Central, for releases only, is the outer build's local repository, whose files carry no checksums; the pgroll
     * snapshots therefore always come from the integration test repository, never from other builds of them there.
     */
    private static synchronized Path settings() {
        String outerRepository = Path.of(System.getProperty("pgroll.it.outerRepository")).toUri().toString();
        String central = """
                <id>central</id>
                <url>%s</url>
                <releases><checksumPolicy>ignore</checksumPolicy></releases>
                <snapshots><enabled>false</enabled></snapshots>
                """.formatted(outerRepository);
        try {
            Files.createDirectories(SETTINGS.getParent());
            Files.writeString(SETTINGS, """
                    <settings>
                      <profiles>
                        <profile>
                          <id>outer-build-repository</id>
                          <repositories><repository>%s</repository></repositories>
                          <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                        </profile>
                      </profiles>
                      <activeProfiles><activeProfile>outer-build-repository</activeProfile></activeProfiles>
                    </settings>
                    """.formatted(central, central));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SETTINGS;
    }

    private static List<String> versionSchemas(Statement s) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("select nspname from pg_namespace where nspname like '" + SCHEMA
                + "\\_%' order by nspname")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String single(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private record Build(List<String> command, int exitCode, String output) {
        void assertSucceeded() {
            assertEquals(0, exitCode, () -> "build failed:\n" + this);
        }

        void assertFailed() {
            assertNotEquals(0, exitCode, () -> "build succeeded:\n" + this);
        }

        void assertLogged(String text) {
            assertTrue(output.contains(text), () -> "no \"" + text + "\" in the output of\n" + this);
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n" + output;
        }
    }
}
