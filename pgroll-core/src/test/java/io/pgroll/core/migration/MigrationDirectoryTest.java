package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationDirectoryTest {

    @TempDir
    Path dir;

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    private static String dropTable(String table) {
        return "{\"operations\":[{\"drop_table\":{\"name\":\"" + table + "\"}}]}";
    }

    @Test
    void readsMigrationFilesInByteWiseOrder() throws IOException {
        write("10_x.json", dropTable("x"));
        write("09_y.yaml", "operations:\n  - drop_table: {name: y}\n");
        write("1_a.yml", "operations: [drop_table: {name: a}]\n");
        write("B_upper.json", dropTable("b"));
        write("a_lower.json", dropTable("a"));
        write("README.md", "not a migration");
        write("notes.txt", "ignored");
        Files.createDirectory(dir.resolve("99_subdir.json"));
        Files.createDirectory(dir.resolve("nested"));
        Files.writeString(dir.resolve("nested").resolve("00_nested.json"), dropTable("n"));

        List<String> names = MigrationReader.readDirectory(dir).stream().map(Migration::name).toList();
        // byte-wise: digits < upper case < lower case; "09" < "10" < "1_" ('0' < '_')
        assertEquals(List.of("09_y", "10_x", "1_a", "B_upper", "a_lower"), names);
    }

    @Test
    void byteWiseOrderUsesUtf8() throws IOException {
        // U+FF21 (fullwidth A, 3 UTF-8 bytes) sorts before U+1F600 (4 bytes, starting 0xF0) byte-wise, but after it
        // in Java's UTF-16 String order
        write("\uD83D\uDE00.json", dropTable("emoji"));
        write("\uFF21.json", dropTable("wide"));
        write("z.json", dropTable("z"));
        List<String> names = MigrationReader.readDirectory(dir).stream().map(Migration::name).toList();
        assertEquals(List.of("z", "\uFF21", "\uD83D\uDE00"), names);
    }

    @Test
    void emptyDirectory() {
        assertEquals(List.of(), MigrationReader.readDirectory(dir));
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("missing");
        PgRollException e = assertThrows(MigrationFileException.class, () -> MigrationReader.readDirectory(missing));
        assertEquals(missing + ": directory not found", e.getMessage());
    }

    @Test
    void fileInsteadOfDirectory() throws IOException {
        write("01.json", dropTable("t"));
        Path file = dir.resolve("01.json");
        PgRollException e = assertThrows(MigrationFileException.class, () -> MigrationReader.readDirectory(file));
        assertEquals(file + ": not a directory", e.getMessage());
    }

    @Test
    void invalidFileInDirectoryIsNamed() throws IOException {
        write("01_ok.json", dropTable("t"));
        write("02_add.yaml", "operations:\n  - drop_table: {name: a}\n  - add_column: {table: t, column: {name: c}}\n");
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationReader.readDirectory(dir));
        assertEquals("02_add.yaml: operations[1].add_column.column.type: required", e.getMessage());
        assertEquals("02_add.yaml", e.file());
    }

    @Test
    void readSingleFiles() throws IOException {
        write("03.migration.3.yml", "operations:\n  - drop_table: {name: t}\n");
        write("04_b.yaml", "version_schema: four\noperations:\n  - drop_table: {name: b}\n");
        write("05_c.json", "\uFEFF" + dropTable("c"));
        assertEquals(new Migration("03.migration.3", null, List.of(new DropTable("t"))),
                MigrationReader.read(dir.resolve("03.migration.3.yml")));
        assertEquals(new Migration("04_b", "four", List.of(new DropTable("b"))),
                MigrationReader.read(dir.resolve("04_b.yaml")));
        assertEquals("05_c", MigrationReader.read(dir.resolve("05_c.json")).name());
    }

    @Test
    void readErrors() throws IOException {
        write("01.sql", "select 1");
        MigrationFileException ext = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("01.sql")));
        assertEquals("01.sql: unsupported file extension, expected .json, .yaml or .yml", ext.getMessage());

        MigrationFileException missing = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("02.json")));
        assertTrue(missing.getMessage().startsWith("02.json: file not found: "), missing.getMessage());

        Files.write(dir.resolve("03.json"), new byte[] {'{', (byte) 0xC3, '}'});
        MigrationFileException binary = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("03.json")));
        assertEquals("03.json: not valid UTF-8", binary.getMessage());

        Files.writeString(dir.resolve("04.json"), "{\"operations\":[],}", StandardCharsets.UTF_8);
        MigrationFileException syntax = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("04.json")));
        assertTrue(syntax.getMessage().startsWith("04.json: invalid JSON: "), syntax.getMessage());
    }

    @Test
    void aFileNeedsAnOperation() throws IOException {
        write("01_ok.json", dropTable("t"));
        write("02_empty.json", "{\"operations\": []}");
        write("03_empty.yaml", "version_schema: three\noperations: []\n");
        MigrationFileException json = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("02_empty.json")));
        assertEquals("02_empty.json: operations: at least one operation is required", json.getMessage());
        assertEquals("operations", json.path());
        MigrationFileException yaml = assertThrows(MigrationFileException.class,
                () -> MigrationReader.read(dir.resolve("03_empty.yaml")));
        assertEquals("03_empty.yaml: operations: at least one operation is required", yaml.getMessage());
        MigrationFileException directory = assertThrows(MigrationFileException.class,
                () -> MigrationReader.readDirectory(dir));
        assertEquals(json.getMessage(), directory.getMessage());
    }
}
