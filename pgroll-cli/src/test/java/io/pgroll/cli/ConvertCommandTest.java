package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgroll convert}: SQL from a file or standard input to a migration on standard output. */
class ConvertCommandTest {

    private static final String SCHEMA = System.getProperty("pgroll.test.schema", "public");

    @TempDir
    Path dir;

    @Test
    void usingExpressionGivesAMigrationThatStartAcceptsAsItIs() throws Exception {
        String url = TestPostgres.newDatabase();
        if (!SCHEMA.equals("public")) {
            execute(url, "create schema \"" + SCHEMA + "\"");
        }
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", url).env("PGROLL_SCHEMA", SCHEMA);
        Files.writeString(dir.resolve("01_users.json"), "{\"operations\":[{\"create_table\":{\"name\":\"users\","
                + "\"columns\":[{\"name\":\"id\",\"type\":\"serial\",\"pk\":true},"
                + "{\"name\":\"age\",\"type\":\"int\",\"nullable\":true}]}}]}");
        assertEquals(0, cli.run("init").exitCode());
        assertEquals(0, cli.run("start", "01_users.json", "--complete").exitCode());
        execute(url, "insert into \"" + SCHEMA + "\".users (age) values (41), (null)");

        Cli.Result converted = cli.input("ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint\n")
                .run("convert");
        assertEquals(0, converted.exitCode(), converted.toString());
        assertEquals("", converted.err());
        Files.writeString(dir.resolve("02_age.yaml"), converted.out());

        Cli.Result started = cli.run("start", "02_age.yaml", "--complete");
        assertEquals(0, started.exitCode(), started.toString());
        assertEquals("bigint|41,null", query(url, "select format_type(atttypid, atttypmod) from pg_attribute where "
                + "attrelid = '\"" + SCHEMA + "\".users'::regclass and attname = 'age'") + "|"
                + query(url, "select string_agg(coalesce(age::text, 'null'), ',' order by id) from \"" + SCHEMA
                        + "\".users"));
    }

    @Test
    void readsAFileAndPrintsYamlOrJson() throws Exception {
        Files.writeString(dir.resolve("m.sql"), "BEGIN;\nCREATE TABLE foo(a int NOT NULL);\nCOMMIT;\n");
        Cli cli = new Cli(dir);
        Cli.Result yaml = cli.run("convert", "m.sql");
        assertEquals(0, yaml.exitCode(), yaml.toString());
        assertEquals("""
                operations:
                - create_table:
                    columns:
                    - name: a
                      type: int
                    name: foo
                """, yaml.out());
        Cli.Result json = cli.run("convert", "-j", "m.sql");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals(MigrationReader.parse("x.yaml", yaml.out()).operations(),
                MigrationReader.parse("x.json", json.out()).operations());
        assertTrue(json.out().startsWith("{\n  \"operations\": ["), json.out());
        assertEquals(json.out(), cli.input("BEGIN;\nCREATE TABLE foo(a int NOT NULL);\nCOMMIT;\n")
                .run("convert", "--json").out());
    }

    @Test
    void userErrorsAreOneLineWithoutStackTrace() throws Exception {
        Cli cli = new Cli(dir);
        Files.writeString(dir.resolve("bad.sql"), "CREATE TABLE ok(a int);\nALTER TABLE foo ADD COLUMN;\n");
        Cli.assertOneLineError(cli.run("convert", "bad.sql"),
                "bad.sql: syntax error at or near \";\" at line 2, column 27");
        Cli.assertOneLineError(cli.input("SELECT 'x").run("convert"),
                "unterminated quoted string at or near \"'x\" at line 1, column 8");
        Cli.assertOneLineError(cli.run("convert", "missing.sql"), "missing.sql: no such file");
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
