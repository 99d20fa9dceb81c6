package io.pgroll.cli;

import static io.pgroll.cli.Cli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.MigrationTemplates;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.OperationType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code create} writes files only: a database URL that nothing listens on shows it never connects, and no embedded
 * server is started.
 */
class CreateCommandTest {

    private static final String UNREACHABLE = "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2";

    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli(dir).env("PGROLL_PG_URL", UNREACHABLE);
    }

    private List<String> files() throws IOException {
        try (var list = Files.list(dir)) {
            return list.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void withANameAndNoTerminalWritesAnEmptyMigration() throws IOException {
        Cli.Result r = cli().run("create", "--name", "01_first");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Migration written to 01_first.yaml\n", r.out());
        assertEquals("", r.err());
        assertEquals("operations: []\n", Files.readString(dir.resolve("01_first.yaml")));

        r = cli().run("create", "-n", "02_second", "-e", "-j");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Migration written to 02_second.json\n", r.out());
        assertEquals("{\n  \"operations\": []\n}\n", Files.readString(dir.resolve("02_second.json")));
        assertEquals(List.of("01_first.yaml", "02_second.json"), files());
    }

    @Test
    void neverOverwrites() throws IOException {
        Files.writeString(dir.resolve("01_x.yaml"), "mine");
        assertOneLineError(cli().run("create", "-n", "01_x"), "01_x.yaml: file exists; it is not overwritten");
        assertOneLineError(cli().run("create", "-n", "01_x", "--json"),
                "01_x.json: migration \"01_x\" already has a file, 01_x.yaml; nothing written");
        assertOneLineError(cli().terminal().input("1\n\n").run("create", "-n", "01_x"),
                "01_x.yaml: file exists; it is not overwritten");
        assertEquals("mine", Files.readString(dir.resolve("01_x.yaml")));
        assertEquals(List.of("01_x.yaml"), files());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../up", "a/b", "a\\b"})
    void refusesNamesThatAreNoFileName(String name) throws IOException {
        Cli.Result r = cli().run("create", "-n", name);
        Cli.assertOneLineErrorStartingWith(r, "");
        assertTrue(r.err().contains("migration name \"" + name + "\" cannot be used as a file name"), r.toString());
        assertEquals(List.of(), files());
    }

    @Test
    void withoutATerminalTheNameIsNeeded() throws IOException {
        assertOneLineError(cli().input("01_x\n").run("create"),
                "no migration name: pass --name NAME (create asks for it only on a terminal)");
        assertOneLineError(cli().run("create", "--empty", "--json"),
                "no migration name: pass --name NAME (create asks for it only on a terminal)");
        assertEquals(List.of(), files());
    }

    @Test
    void onATerminalAsksForTheNameAndTheOperations() throws IOException {
        Cli.Result r = cli().terminal().input("../bad\n  02_add_things  \n1\ncreate_index\n99\nfoo\n"
                + "DROP_CONSTRAINT\n12\n\n").run("create");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Migration written to 02_add_things.yaml\n", r.out());
        assertTrue(r.err().contains("Migration name: ../bad: migration name \"../bad\" cannot be used as a file name\n"
                + "Migration name: Operations:\n   1  create_table\n"), r.err());
        assertTrue(r.err().contains("  13  create_constraint\n"), r.err());
        assertFalse(r.err().contains("set_replica_identity"), r.err());
        assertTrue(r.err().contains("Unknown operation \"99\": give a number from 1 to 13 or an operation name\n"),
                r.err());
        assertTrue(r.err().contains("Unknown operation \"foo\""), r.err());
        assertTrue(r.err().contains("Added drop_constraint (deprecated in pgroll); fill in its <placeholders>"),
                r.err());
        List<Operation> expected = List.of(MigrationTemplates.skeleton(OperationType.CREATE_TABLE),
                MigrationTemplates.skeleton(OperationType.CREATE_INDEX),
                MigrationTemplates.skeleton(OperationType.DROP_CONSTRAINT),
                MigrationTemplates.skeleton(OperationType.SQL));
        assertEquals(expected, MigrationReader.read(dir.resolve("02_add_things.yaml")).operations());
        assertEquals(List.of("02_add_things.yaml"), files());
    }

    @Test
    void onATerminalAnExistingNameIsAskedAgain() throws IOException {
        Files.writeString(dir.resolve("01_x.json"), "{}");
        Cli.Result r = cli().terminal().input("01_x\n01_y\n").run("create", "--empty");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Migration name: 01_x.yaml: migration \"01_x\" already has a file, 01_x.json; nothing written\n"
                + "Migration name: ", r.err());
        assertEquals("Migration written to 01_y.yaml\n", r.out());
        assertEquals("operations: []\n", Files.readString(dir.resolve("01_y.yaml")));
    }

    @Test
    void onATerminalWithANameOnlyTheOperationsAreAskedAndEndOfInputEndsThem() throws IOException {
        Cli.Result r = cli().terminal().input("sql").run("create", "-n", "03_sql", "-j");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.err().contains("Migration name"), r.err());
        assertEquals(List.of(MigrationTemplates.skeleton(OperationType.SQL)),
                MigrationReader.read(dir.resolve("03_sql.json")).operations());

        r = cli().terminal().run("create", "-n", "04_empty", "-e");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err(), "nothing asked");
        assertEquals("operations: []\n", Files.readString(dir.resolve("04_empty.yaml")));
    }

    @Test
    void endOfInputBeforeANameWritesNothing() throws IOException {
        Cli.Result r = cli().terminal().run("create");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("Migration name: ", "Error: no migration name given; nothing written"), r.errLines());
        assertEquals(List.of(), files());
    }

    @Test
    void noEmbeddedServerIsStarted() {
        Cli.Result r = new Cli(dir).run("create", "-n", "01_x");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err());
        assertFalse(Files.exists(dir.resolve(".pgroll")));
    }
}
