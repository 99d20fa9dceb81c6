package io.pgroll.cli;

import static io.pgroll.cli.Cli.assertOneLineError;
import static io.pgroll.cli.Cli.assertOneLineErrorStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors are one {@code Error: ...} line on stderr with exit code 1, and migration file errors are reported before
 * any database is involved: these tests run without one.
 */
class ErrorOutputTest {

    /** Nothing listens on port 1, so any attempt to connect would fail with a connection error instead. */
    private static final String UNREACHABLE = "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2";

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void malformedJson() throws IOException {
        write("01_bad.json", "{\"operations\": [ {\"create_table\": {\"name\": \"t\",, } ]}");
        for (String command : new String[] {"validate", "start"}) {
            Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, command, "01_bad.json");
            assertOneLineErrorStartingWith(r, "01_bad.json: ");
            assertFalse(r.err().contains("refused"), r.toString());
        }
    }

    @Test
    void malformedYaml() throws IOException {
        write("01_bad.yaml", "operations:\n  - create_table:\n      name: t\n     columns: [\n");
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "validate", "01_bad.yaml");
        assertOneLineErrorStartingWith(r, "01_bad.yaml: ");
    }

    @Test
    void unknownOperation() throws IOException {
        write("02_unknown.json", "{\"operations\": [{\"create_tabel\": {\"name\": \"t\"}}]}");
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "02_unknown.json");
        assertOneLineErrorStartingWith(r, "02_unknown.json: ");
        assertTrue(r.err().contains("create_tabel"), r.toString());
    }

    @Test
    void missingRequiredField() throws IOException {
        write("03_missing.yaml", """
                operations:
                  - add_column:
                      table: books
                      column:
                        name: pages
                """);
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "03_missing.yaml");
        assertOneLineError(r, "03_missing.yaml: operations[0].add_column.column.type: required");
    }

    @Test
    void missingFile() {
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "nope.json");
        assertOneLineErrorStartingWith(r, "nope.json: ");
    }

    @Test
    void fileErrorsComeBeforeTheEmbeddedServerIsStarted() throws IOException {
        write("04_bad.json", "not json");
        Cli.Result r = new Cli(dir).run("start", "04_bad.json");
        assertOneLineErrorStartingWith(r, "04_bad.json: ");
        assertFalse(Files.exists(dir.resolve(".pgroll")), "the embedded server was set up: " + r);
    }

    @Test
    void migrateReportsBadFilesBeforeConnecting() throws IOException {
        Path migrations = Files.createDirectory(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("01_ok.json"),
                "{\"operations\": [{\"sql\": {\"up\": \"select 1\"}}]}");
        Files.writeString(migrations.resolve("02_bad.json"), "{\"operations\": 5}");
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "migrate", "migrations");
        assertOneLineErrorStartingWith(r, "02_bad.json: operations: ");
    }

    @Test
    void migrateOfAMissingDirectory() {
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "migrate", "no_such_dir");
        assertOneLineErrorStartingWith(r, "");
        assertTrue(r.err().contains("no_such_dir"), r.toString());
    }

    @Test
    void badConnectionUrlIsOneLine() {
        Cli.Result r = new Cli(dir).run("--postgres-url", "mysql://root:hunter2@localhost/db", "init");
        assertOneLineErrorStartingWith(r, "unsupported connection URL");
        assertFalse(r.err().contains("hunter2"), r.toString());
    }

    @Test
    void databaseErrorsAreOneLineWithoutStackTrace() {
        // whatever goes wrong (today: the engine is missing; later: connection refused) is one line, exit 1
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "init");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith("Error: "), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }

    @Test
    void verbosePrintsTheStackTraceToo() {
        Cli.Result r = new Cli(dir).run("--verbose", "--postgres-url", UNREACHABLE, "init");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("Error: "), r.toString());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    @Test
    void verboseFromEnvironment() throws IOException {
        write("05_bad.json", "[]");
        Cli.Result r = new Cli(dir).env("PGROLL_VERBOSE", "true").run("--postgres-url", UNREACHABLE, "validate",
                "05_bad.json");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("Error: 05_bad.json: "), r.toString());
        assertTrue(r.err().contains("MigrationFileException"), r.toString());
    }

    @Test
    void negativeBackfillSettingsAreErrors() throws IOException {
        write("06_ok.json", "{\"operations\": [{\"sql\": {\"up\": \"select 1\"}}]}");
        Cli.Result r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "--backfill-batch-size", "-1",
                "06_ok.json");
        assertOneLineError(r, "--backfill-batch-size must not be negative, got -1");
        r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "--backfill-batch-delay", "-1s", "06_ok.json");
        assertOneLineError(r, "--backfill-batch-delay must not be negative, got -1s");
        r = new Cli(dir).run("--postgres-url", UNREACHABLE, "start", "--backfill-batch-target", "0s", "06_ok.json");
        assertOneLineError(r, "--backfill-batch-target must be positive, got 0s");
        r = new Cli(dir).run("--postgres-url", UNREACHABLE, "--lock-timeout", "-5", "init");
        assertOneLineError(r, "--lock-timeout must not be negative, got -5");
    }

    @Test
    void oneLineFlattensMultiLineMessages() {
        assertEquals("a b c", Main.oneLine("a\n  b\r\nc\n"));
    }
}
