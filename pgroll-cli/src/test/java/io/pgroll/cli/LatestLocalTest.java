package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latest ... --local DIR} reads files only; no database is needed (none is reachable here). */
class LatestLocalTest {

    private static final String UNREACHABLE = "postgres://postgres@127.0.0.1:1/postgres";

    @TempDir
    Path dir;

    @Test
    void latestSchemaAndMigrationOfTheExamples() {
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE);
        Cli.Result schema = cli.run("latest", "schema", "--local", Examples.dir().toString());
        assertEquals(0, schema.exitCode(), schema.toString());
        assertEquals("public_" + Examples.last().version() + "\n", schema.out());
        assertEquals("", schema.err());

        Cli.Result migration = cli.run("latest", "migration", "-l", Examples.dir().toString());
        assertEquals(0, migration.exitCode(), migration.toString());
        assertEquals(Examples.last().name() + "\n", migration.out());
    }

    @Test
    void versionSchemaAndTargetSchemaAreHonoured() throws IOException {
        Path migrations = Files.createDirectory(dir.resolve("m"));
        Files.writeString(migrations.resolve("10_b.yaml"), "version_schema: v_ten\noperations:\n  - sql:\n"
                + "      up: select 1\n");
        Files.writeString(migrations.resolve("09_a.json"), "{\"operations\": [{\"sql\": {\"up\": \"select 1\"}}]}");
        Files.writeString(migrations.resolve("README.md"), "not a migration");
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE);
        assertEquals("app_v_ten\n", cli.run("--schema", "app", "latest", "schema", "--local", "m").out());
        assertEquals("10_b\n", cli.run("latest", "migration", "--local", "m").out());
    }

    @Test
    void latestUrlWithLocalDirectory() {
        Cli cli = new Cli(dir);
        Cli.Result r = cli.run("latest", "url", "--local", Examples.dir().toString(),
                "postgres://app:pw@db.example.com:5433/shop?sslmode=require");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("postgres://app:pw@db.example.com:5433/shop?sslmode=require"
                + "&options=-c%20search_path%3Dpublic_" + Examples.last().version() + "\n", r.out());

        r = cli.env("PGROLL_PG_URL", "postgres://u@h/d").run("--schema", "s", "latest", "url", "-l",
                Examples.dir().toString());
        assertEquals("postgres://u@h/d?options=-c%20search_path%3Ds_" + Examples.last().version() + "\n", r.out());
        assertFalse(Files.exists(dir.resolve(".pgroll")));
    }

    @Test
    void emptyOrMissingDirectory() throws IOException {
        Files.createDirectory(dir.resolve("empty"));
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE);
        Cli.Result r = cli.run("latest", "schema", "--local", "empty");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("Error: no migrations found in empty\n", r.err());
        r = cli.run("latest", "migration", "--local", "missing");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
    }
}
