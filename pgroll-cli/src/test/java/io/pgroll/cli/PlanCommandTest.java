package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgroll plan}: text and JSON output, the --max-blocking-rows exit status, and every shipped example. */
class PlanCommandTest {
    @TempDir
    Path dir;

    private String url;
    private Cli cli;

    @BeforeEach
    void freshDatabase() throws Exception {
        url = TestPostgres.newDatabase();
        cli = new Cli(dir).env("PGROLL_PG_URL", url);
        assertEquals(0, cli.run("init").exitCode());
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(io.pgroll.core.ConnectionUrl.toJdbc(url));
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private Path rawTypeChange() throws Exception {
        Files.writeString(dir.resolve("01_big.json"), """
                {"operations":[{"create_table":{"name":"big","columns":[{"name":"id","type":"bigint","pk":true},
                {"name":"v","type":"integer"}]}}]}""");
        assertEquals(0, cli.run("start", "--complete", "01_big.json").exitCode());
        sql("INSERT INTO big SELECT g, g FROM generate_series(1, 2000) g", "ANALYZE big");
        Path file = dir.resolve("02_retype.json");
        Files.writeString(file, """
                {"operations":[{"sql":{"up":"ALTER TABLE big ALTER COLUMN v TYPE bigint"}}]}""");
        return file;
    }

    @Test
    void textNamesEachStatementsLockAndTheRowsItRewrites() throws Exception {
        Cli.Result r = cli.run("plan", rawTypeChange().getFileName().toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("""
                start
                  step 1 (one transaction) - operation 0 sql
                    ALTER TABLE big ALTER COLUMN v TYPE bigint
                      ALTER TABLE ... ALTER COLUMN TYPE
                      ACCESS EXCLUSIVE on big, rewrites ~2,000 rows"""), r.out());
        assertTrue(r.out().contains("suggestion: alter_column with \"type\" and \"up\""), r.out());
        assertTrue(r.out().contains("\ncomplete\n") && r.out().contains("\nrollback\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void jsonCarriesTheSameAndMaxBlockingRowsFailsWithOneLine() throws Exception {
        String file = rawTypeChange().getFileName().toString();
        Cli.Result r = cli.run("plan", "--json", file);
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        JsonNode first = plan.path("phases").path(0).path("statements").path(0);
        assertEquals("start", plan.path("phases").path(0).path("phase").asText());
        assertEquals("ALTER TABLE big ALTER COLUMN v TYPE bigint", first.path("sql").asText());
        assertEquals("ACCESS EXCLUSIVE", first.path("locks").path(0).path("mode").asText());
        assertEquals("rewrite", first.path("locks").path(0).path("access").asText());
        assertEquals(2000, first.path("locks").path(0).path("estimated_rows").asLong());
        assertTrue(first.path("suggestion").asText().startsWith("alter_column"));

        Cli.Result blocked = cli.run("plan", "--max-blocking-rows", "1000", file);
        assertEquals(1, blocked.exitCode(), blocked.toString());
        assertEquals(List.of("Error: start statement 1 (ALTER TABLE big ALTER COLUMN v TYPE bigint) holds ACCESS "
                + "EXCLUSIVE on big while it rewrites ~2000 rows, above --max-blocking-rows 1000"), blocked.errLines());
        assertEquals(0, cli.run("plan", "--max-blocking-rows", "5000", file).exitCode());
        // nothing was started
        Cli.Result status = cli.run("status");
        assertTrue(status.out().contains("\"version\": \"01_big\"") && status.out().contains("\"Complete\""),
                status.toString());
    }

    @Test
    void everyShippedExamplePlansAfterThePreviousOnesAreApplied() {
        for (Migration m : Examples.all()) {
            String file = Examples.file(m.name().substring(0, 2)).toString();
            Cli.Result plan = cli.run("plan", file);
            assertEquals(0, plan.exitCode(), m.name() + "\n" + plan);
            assertTrue(plan.out().startsWith("Plan for migration \"" + m.name() + "\""), plan.out());
            Cli.Result json = cli.run("plan", "--json", file);
            assertEquals(0, json.exitCode(), m.name() + "\n" + json);
            Cli.Result start = cli.run("start", "--complete", file);
            assertEquals(0, start.exitCode(), m.name() + "\n" + start);
        }
    }
}
