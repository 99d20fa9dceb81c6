package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgroll update}'s core: old create_index column forms and top-level names; no database. */
class MigrationUpdaterTest {

    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, LONG_AGO);
        return file;
    }

    /** Every file of the directory with its content, by name. */
    private Map<String, String> files() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (var list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return files;
    }

    private static CreateIndex index(String name, IndexField... fields) {
        return new CreateIndex(name, "t", List.of(fields), null, false, null, null);
    }

    private static IndexField field(String column) {
        return new IndexField(column, null, null, null, null);
    }

    private static Operation onlyOperation(Path file) {
        List<Operation> ops = MigrationReader.read(file).operations();
        assertEquals(1, ops.size());
        return ops.get(0);
    }

    @Test
    void listOfColumnNamesBecomesIndexFieldsInOrder() throws IOException {
        Path file = write("01_idx.yaml", "operations:\n  - create_index:\n      name: i\n      table: t\n"
                + "      columns: [b, a, c]\n");
        List<MigrationUpdater.Rewrite> rewrites = MigrationUpdater.update(dir, false);
        assertEquals(List.of(new MigrationUpdater.Rewrite(file, file, Files.readString(file))), rewrites);
        assertEquals("""
                operations:
                - create_index:
                    columns:
                    - column: b
                    - column: a
                    - column: c
                    name: i
                    table: t
                """, Files.readString(file));
        assertEquals(index("i", field("b"), field("a"), field("c")), onlyOperation(file));
    }

    @Test
    void mapOfSettingsBecomesIndexFieldsInTheFilesOrder() throws IOException {
        Path file = write("02_idx.yaml", """
                operations:
                  - create_index:
                      name: i
                      table: t
                      method: btree
                      columns:
                        zeta:
                          sort: DESC
                          nulls: LAST
                        alpha:
                        mid: {}
                        name:
                          collate: C
                          opclass:
                            name: text_pattern_ops
                """);
        MigrationUpdater.update(dir, false);
        assertEquals(new CreateIndex("i", "t", List.of(
                new IndexField("zeta", null, "DESC", "LAST", null),
                field("alpha"),
                field("mid"),
                new IndexField("name", "C", null, null, new IndexField.OpClass("text_pattern_ops", null))),
                "btree", false, null, null), onlyOperation(file));
    }

    @Test
    void jsonStaysJsonAndEveryOldIndexOfAFileIsConverted() throws IOException {
        Path file = write("03_idx.json", "{\"version_schema\": \"v3\", \"operations\": ["
                + "{\"create_index\": {\"name\": \"i1\", \"table\": \"t\", \"columns\": [\"a\"], \"unique\": true}},"
                + "{\"sql\": {\"up\": \"select 1\"}},"
                + "{\"create_index\": {\"name\": \"i2\", \"table\": \"t\", \"columns\": {\"b\": {\"sort\": \"ASC\"}}}},"
                + "{\"create_index\": {\"name\": \"i3\", \"table\": \"t\", \"columns\": [{\"column\": \"c\"}]}}]}");
        MigrationUpdater.update(dir, false);
        assertEquals(List.of("03_idx.json"), List.copyOf(files().keySet()));
        Migration m = MigrationReader.read(file);
        assertEquals("v3", m.versionSchema());
        assertEquals(List.of(
                new CreateIndex("i1", "t", List.of(field("a")), null, true, null, null),
                new RawSql("select 1", null, false),
                index("i2", new IndexField("b", null, "ASC", null, null)),
                index("i3", field("c"))), m.operations());
        assertTrue(Files.readString(file).startsWith("{\n  \"version_schema\": \"v3\",\n"), Files.readString(file));
    }

    @Test
    void filesInTheCurrentFormatAreLeftAloneByteForByte() throws IOException {
        for (Path example : MigrationReader.migrationFiles(Path.of("../examples"))) {
            write(example.getFileName().toString(), Files.readString(example));
        }
        write("90_empty.yaml", "operations: []\n");        // as create --empty writes it
        write("91_comments.yml", "# a comment\noperations:\n  - drop_index: {name: i}   # and another\n");
        Map<String, String> before = files();
        assertEquals(List.of(), MigrationUpdater.update(dir, true));
        assertEquals(before, files());
        try (var list = Files.list(dir)) {
            for (Path f : list.toList()) {
                assertEquals(LONG_AGO, Files.getLastModifiedTime(f), f + " was rewritten");
            }
        }
    }

    @Test
    void ymlStaysYmlAndOnlyOldFilesAreRewritten() throws IOException {
        write("01_ok.yaml", "operations:\n  - drop_index: {name: i}\n");
        Path old = write("02_old.yml", "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n");
        List<MigrationUpdater.Rewrite> rewrites = MigrationUpdater.update(dir, false);
        assertEquals(1, rewrites.size());
        assertFalse(rewrites.get(0).renamed());
        assertEquals(List.of("01_ok.yaml", "02_old.yml"), List.copyOf(files().keySet()));
        assertEquals(index("i", field("a")), onlyOperation(old));
        assertEquals(LONG_AGO, Files.getLastModifiedTime(dir.resolve("01_ok.yaml")));
    }

    @Test
    void jsonFlagWritesJsonAndRemovesTheYamlFile() throws IOException {
        write("01_old.yaml", "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n");
        List<MigrationUpdater.Rewrite> rewrites = MigrationUpdater.update(dir, true);
        assertEquals(dir.resolve("01_old.json"), rewrites.get(0).target());
        assertTrue(rewrites.get(0).renamed());
        assertEquals(List.of("01_old.json"), List.copyOf(files().keySet()));
        assertEquals(index("i", field("a")), onlyOperation(dir.resolve("01_old.json")));
    }

    @Test
    void jsonFlagNeverReplacesAnotherFileOfTheMigration() throws IOException {
        write("01_a.yaml", "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n");
        write("01_a.json", "{\"operations\": [{\"drop_index\": {\"name\": \"i\"}}]}");
        write("02_b.yaml", "operations:\n  - create_index: {name: j, table: t, columns: [b]}\n");
        Map<String, String> before = files();
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.update(dir, true));
        assertEquals("01_a.yaml: its JSON rewrite would replace 01_a.json (another file of the same migration); "
                + "nothing written", e.getMessage());
        assertEquals(before, files());

        Files.delete(dir.resolve("01_a.json"));
        write("02_b.yml", "operations:\n  - create_index: {name: k, table: t, columns: [c]}\n");
        before = files();
        e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.update(dir, true));
        assertTrue(e.getMessage().startsWith("02_b.yml: its JSON rewrite would replace 02_b.json"), e.getMessage());
        assertEquals(before, files());
    }

    @Test
    void aFileThatReadsInNoFormatStopsEverythingAndNamesTheFile() throws IOException {
        write("01_old.yaml", "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n");
        write("02_broken.json", "{\"operations\": [");
        Map<String, String> before = files();
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.update(dir, false));
        assertTrue(e.getMessage().startsWith("02_broken.json: invalid JSON: "), e.getMessage());
        assertEquals(before, files());
    }

    @Test
    void neitherCurrentNorOldFormsAreErrorsOfTheCurrentFormat() {
        // columns given as one string, or a list mixing names and fields, were never a pgroll format
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.rewrite(
                "01_x.json", "{\"operations\":[{\"create_index\":{\"name\":\"i\",\"table\":\"t\",\"columns\":\"a, b\"}}]}",
                true));
        assertEquals("01_x.json: operations[0].create_index.columns: expected an array", e.getMessage());
        e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.rewrite("01_x.yaml",
                "operations:\n  - create_index: {name: i, table: t, columns: [a, {column: b}]}\n", false));
        assertEquals("01_x.yaml: operations[0].create_index.columns[0]: expected an object", e.getMessage());
        // an old form next to an unrelated error: the error of the converted file
        e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.rewrite("01_x.yaml",
                "operations:\n  - create_index: {name: i, table: t, columns: [a], colour: red}\n", false));
        assertEquals("01_x.yaml: operations[0].create_index.colour: unknown field", e.getMessage());
    }

    @Test
    void topLevelNameOfTheFileIsRemoved() {
        assertEquals(Optional.of("operations:\n- drop_index:\n    name: i\n"), MigrationUpdater.rewrite("01_x.yaml",
                "name: 01_x\noperations:\n  - drop_index: {name: i}\n", false));
        assertEquals(Optional.of("{\n  \"operations\": []\n}\n"),
                MigrationUpdater.rewrite("01_x.json", "{\"name\": \"01_x\", \"operations\": []}", true));
    }

    @Test
    void anotherTopLevelNameIsAnError() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationUpdater.rewrite(
                "01_x.yaml", "name: add_users\noperations:\n  - drop_index: {name: i}\n", false));
        assertEquals("01_x.yaml: name: \"add_users\" is not the migration's name \"01_x\": pgroll names a migration "
                + "after its file and no longer reads this field; rename the file to add_users.yaml or remove the "
                + "field", e.getMessage());
    }

    @Test
    void aRewriteReadsBackAsTheSameMigrationInEitherFormat() {
        String old = "version_schema: v1\noperations:\n  - create_index:\n      name: i\n      table: t\n"
                + "      predicate: a > 0\n      columns: {a: {sort: DESC}, b: }\n";
        Migration expected = new Migration("01_x", "v1", List.of(new CreateIndex("i", "t",
                List.of(new IndexField("a", null, "DESC", null, null), field("b")), null, false, "a > 0", null)));
        assertEquals(expected, MigrationReader.parse("01_x.yaml", MigrationUpdater.rewrite("01_x.yaml", old, false)
                .orElseThrow()));
        assertEquals(expected, MigrationReader.parse("01_x.json", MigrationUpdater.rewrite("01_x.yaml", old, true)
                .orElseThrow()));
    }

    @Test
    void keepsTheFilesPermissions() throws IOException {
        Path file = write("01_idx.yaml", "operations:\n  - create_index: {name: i, table: t, columns: [a]}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        MigrationUpdater.update(dir, false);
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count(), "no temporary file left");
        }
    }

    @Test
    void missingDirectory() {
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationUpdater.update(dir.resolve("nope"), false));
        assertTrue(e.getMessage().endsWith("directory not found"), e.getMessage());
    }
}
