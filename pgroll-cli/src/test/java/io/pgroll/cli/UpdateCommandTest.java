package io.pgroll.cli;

import static io.pgroll.cli.Cli.assertOneLineErrorStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update DIR}: old create_index forms rewritten; it wants an initialised state, as in pgroll. */
class UpdateCommandTest {

    private static final String UNREACHABLE = "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2";
    private static final String TABLE = "{\"operations\": [{\"create_table\": {\"name\": \"t\", \"columns\": ["
            + "{\"name\": \"id\", \"type\": \"serial\", \"pk\": true}, {\"name\": \"a\", \"type\": \"text\"},"
            + " {\"name\": \"b\", \"type\": \"int\"}]}}]}";
    private static final String OLD_LIST = "operations:\n  - create_index:\n      name: t_a_b\n      table: t\n"
            + "      columns: [a, b]\n";
    private static final String OLD_MAP = "{\"operations\": [{\"create_index\": {\"name\": \"t_b_a\", \"table\": \"t\","
            + " \"columns\": {\"b\": {\"sort\": \"DESC\"}, \"a\": {}}}}]}";

    @TempDir
    Path dir;

    private Path migrations() throws IOException {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("01_table.json"), TABLE);
        Files.writeString(m.resolve("02_list.yaml"), OLD_LIST);
        Files.writeString(m.resolve("03_map.json"), OLD_MAP);
        return m;
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (var list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return files;
    }

    @Test
    void rewritesOldFilesWhichThenMigrate() throws IOException {
        Path m = migrations();
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", TestPostgres.newDatabase());
        Map<String, String> before = contents(m);
        assertOneLineErrorStartingWith(cli.run("update", "migrations"), "pgroll is not initialized, run 'pgroll init'");
        assertEquals(before, contents(m));

        assertEquals(0, cli.run("init").exitCode());
        Cli.Result r = cli.run("update", "migrations");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Rewrote migrations/02_list.yaml\nRewrote migrations/03_map.json\n", r.out());
        assertEquals("", r.err());
        assertEquals(List.of("01_table.json", "02_list.yaml", "03_map.json"), List.copyOf(contents(m).keySet()));
        assertEquals(TABLE, Files.readString(m.resolve("01_table.json")));
        assertTrue(Files.readString(m.resolve("03_map.json")).contains("\"columns\": [\n          {\n"
                + "            \"column\": \"b\",\n            \"sort\": \"DESC\"\n          },"), contents(m).toString());

        Cli.Result again = cli.run("update", "migrations");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("", again.out());

        r = cli.run("migrate", "--complete", "migrations");
        assertEquals(0, r.exitCode(), r.toString());
        String schema = cli.run("analyze").out();
        assertTrue(schema.contains("\"t_a_b\"") && schema.contains("\"t_b_a\""), schema);
    }

    @Test
    void jsonFlagReplacesYamlFiles() throws IOException {
        Path m = migrations();
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", TestPostgres.newDatabase());
        assertEquals(0, cli.run("init").exitCode());
        Cli.Result r = cli.run("update", "-j", "migrations");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Rewrote migrations/02_list.yaml as migrations/02_list.json\nRewrote migrations/03_map.json\n",
                r.out());
        assertEquals(List.of("01_table.json", "02_list.json", "03_map.json"), List.copyOf(contents(m).keySet()));
    }

    @Test
    void anUnparsableFileIsAOneLineErrorBeforeAnyConnectionAndNothingChanges() throws IOException {
        Path m = migrations();
        Files.writeString(m.resolve("04_broken.yaml"), "operations:\n  - create_index: {name: i, columns: \"a, b\"}\n");
        Map<String, String> before = contents(m);
        Cli.Result r = new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE).run("update", "migrations");
        assertOneLineErrorStartingWith(r, "04_broken.yaml: operations[0].create_index.");
        assertEquals(before, contents(m));

        Files.writeString(m.resolve("04_broken.yaml"), "operations: [");
        assertOneLineErrorStartingWith(new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE).run("update", "migrations"),
                "04_broken.yaml: invalid YAML: ");
        assertOneLineErrorStartingWith(new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE).run("update", "missing"),
                dir.resolve("missing") + ": directory not found");
    }
}
