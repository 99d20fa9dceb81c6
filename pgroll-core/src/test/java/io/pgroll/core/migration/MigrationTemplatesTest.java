package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRoll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code pgroll create}'s core: skeletons and new files; no database. */
class MigrationTemplatesTest {

    @TempDir
    Path dir;

    @Test
    void offersTheThirteenNonDeprecatedOperations() {
        List<String> offered = MigrationTemplates.offered().stream().map(OperationType::key).toList();
        assertEquals(List.of("create_table", "rename_table", "rename_column", "drop_table", "add_column", "drop_column",
                "alter_column", "create_index", "drop_index", "rename_constraint", "drop_multicolumn_constraint", "sql",
                "create_constraint"), offered);
    }

    @ParameterizedTest
    @EnumSource(OperationType.class)
    void everySkeletonHasPlaceholdersAndReadsBackFromBothFormats(OperationType type) {
        Operation skeleton = MigrationTemplates.skeleton(type);
        assertEquals(type, OperationType.of(skeleton));
        Migration m = new Migration("01_new", null, List.of(skeleton));
        String yaml = MigrationWriter.toYaml(m);
        assertTrue(yaml.contains("<"), yaml);
        assertEquals(m, MigrationReader.parse("01_new.yaml", yaml));
        assertEquals(m, MigrationReader.parse("01_new.json", MigrationWriter.toJson(m)));
    }

    @Test
    void skeletonOfCreateIndex() {
        assertEquals("""
                operations:
                - create_index:
                    columns:
                    - column: <column>
                    name: <index>
                    table: <table>
                """, MigrationWriter.toYaml(new Migration("x", null,
                List.of(MigrationTemplates.skeleton(OperationType.CREATE_INDEX)))));
    }

    @Test
    void writesYamlOrJsonWithoutOperations() throws IOException {
        Path yaml = PgRoll.create(dir, "01_empty", List.of(), false);
        assertEquals(dir.resolve("01_empty.yaml"), yaml);
        assertEquals("operations: []\n", Files.readString(yaml));
        Path json = PgRoll.create(dir, "02_empty", List.of(), true);
        assertEquals(dir.resolve("02_empty.json"), json);
        assertEquals("{\n  \"operations\": []\n}\n", Files.readString(json));
    }

    @Test
    void writesSkeletonsInOrder() throws IOException {
        List<Operation> ops = List.of(MigrationTemplates.skeleton(OperationType.CREATE_TABLE),
                MigrationTemplates.skeleton(OperationType.SQL));
        Path file = PgRoll.create(dir, "01_two", ops, false);
        assertEquals(ops, MigrationReader.read(file).operations());
    }

    @Test
    void neverOverwritesAFileOfTheSameMigration() throws IOException {
        Files.writeString(dir.resolve("01_x.yaml"), "keep me");
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> PgRoll.create(dir, "01_x", List.of(), false));
        assertEquals("01_x.yaml: file exists; it is not overwritten", e.getMessage());
        e = assertThrows(MigrationFileException.class, () -> PgRoll.create(dir, "01_x", List.of(), true));
        assertEquals("01_x.json: migration \"01_x\" already has a file, 01_x.yaml; nothing written", e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("01_x.yaml")));
        assertEquals(List.of("01_x.yaml"), names());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ".", "..", "a/b", "../up", "a\\b", "two\nlines", "nul\0"})
    void refusesNamesThatAreNoPlainFileName(String name) throws IOException {
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> PgRoll.create(dir, name, List.of(), false));
        assertTrue(e.getMessage().endsWith("cannot be used as a file name"), e.getMessage());
        assertEquals(List.of(), names());
    }

    @Test
    void refusesAMissingDirectory() {
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> PgRoll.create(dir.resolve("missing"), "01_x", List.of(), false));
        assertTrue(e.getMessage().endsWith("directory not found"), e.getMessage());
    }

    private List<String> names() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void deprecatedTypes() {
        assertEquals(List.of(OperationType.DROP_CONSTRAINT, OperationType.SET_REPLICA_IDENTITY),
                Arrays.stream(OperationType.values()).filter(OperationType::deprecated).toList());
        assertFalse(MigrationTemplates.offered().contains(OperationType.DROP_CONSTRAINT));
    }
}
