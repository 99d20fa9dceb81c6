package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationUpdater;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PgRoll#update}: like pgroll it wants an initialised state, but reads every file before asking for it. */
class UpdateTest {

    private static final String OLD = "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n";

    @TempDir
    Path dir;

    @Test
    void rewritesOnAnInitialisedDatabase() throws IOException {
        Path file = Files.writeString(dir.resolve("01_idx.yaml"), OLD);
        Harness h = Harness.create();
        List<MigrationUpdater.Rewrite> rewrites = h.roll.update(dir, false);
        assertEquals(List.of(file), rewrites.stream().map(MigrationUpdater.Rewrite::target).toList());
        assertTrue(Files.readString(file).contains("- column: a"), Files.readString(file));
    }

    @Test
    void needsAnInitialisedStateAndWritesNothingWithout() throws IOException {
        Path file = Files.writeString(dir.resolve("01_idx.yaml"), OLD);
        PgRoll roll = PgRoll.open(PgRollConfig.of(TestPostgres.newDatabase()));
        MigrationStateException e = assertThrows(MigrationStateException.class, () -> roll.update(dir, false));
        assertEquals("pgroll is not initialized, run 'pgroll init' to initialize", e.getMessage());

        assertEquals(OLD, Files.readString(file));
    }

    @Test
    void fileErrorsComeBeforeAnyConnection() throws IOException {
        Files.writeString(dir.resolve("01_bad.json"), "{");
        PgRoll roll = PgRoll.open(PgRollConfig.of("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2"));
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> roll.update(dir, false));
        assertTrue(e.getMessage().startsWith("01_bad.json: invalid JSON"), e.getMessage());
    }
}
