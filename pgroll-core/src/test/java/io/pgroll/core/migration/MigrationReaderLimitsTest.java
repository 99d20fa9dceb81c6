package io.pgroll.core.migration;

import static io.pgroll.core.migration.MigrationReader.MAX_FILE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The size limit on migration files, applied before any parsing and alike for JSON and YAML. */
class MigrationReaderLimitsTest {

    @TempDir
    Path dir;

    @Test
    void theLimitIs64MiB() {
        assertEquals(64 * 1024 * 1024, MAX_FILE_SIZE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"01_huge.json", "01_huge.yaml"})
    void aFileOverTheLimitIsRejectedFromItsSizeWithoutBeingRead(String name) throws IOException {
        Path file = dir.resolve(name);
        // sparse, so neither disk nor memory holds 64 MiB; read, its NUL bytes would be a syntax error
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(MAX_FILE_SIZE + 1L);
        }
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationReader.read(file));
        assertEquals(name + ": too large: 67108865 bytes, the limit is 67108864 bytes (64 MiB)", e.getMessage());
        assertEquals(e.getMessage(), assertThrows(MigrationFileException.class,
                () -> MigrationReader.readDirectory(dir)).getMessage());
    }

    @Test
    void aFileOfUnknownSizeIsReadUpToTheLimit() throws IOException {
        Path zeros = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zeros));
        // its size is 0, like a pipe's, and it never ends
        Path file = Files.createSymbolicLink(dir.resolve("01_endless.json"), zeros);
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationReader.read(file));
        assertEquals("01_endless.json: too large: over 67108864 bytes, the limit is 67108864 bytes (64 MiB)",
                e.getMessage());
        Files.delete(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"01_huge.json", "01_huge.yaml"})
    void contentOverTheLimitIsRejectedBeforeParsing(String name) {
        // an unterminated array: parsed, it would be a syntax error
        String content = "[" + " ".repeat(MAX_FILE_SIZE);
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationReader.parse(name, content));
        assertEquals(name + ": too large: 67108865 characters, the limit is 67108864 bytes (64 MiB)", e.getMessage());
    }

    @Test
    void contentAtTheLimitIsParsed() {
        // padded with blanks, which the JSON parser skips quickly, so that the test stays light; the check before
        // parsing is the same for YAML
        String content = "{\"operations\": [{\"sql\": {\"up\": \"select 1\"}}]}";
        String padded = content + " ".repeat(MAX_FILE_SIZE - content.length());
        assertEquals(new Migration("01_big", null, List.of(new RawSql("select 1", null, false))),
                MigrationReader.parse("01_big.json", padded));
    }

    @ParameterizedTest
    @CsvSource({"01_long.yaml, 3145729", "01_long.json, 20000001"})
    void onlyTheFileSizeLimitsStrings(String name, int length) {
        // just over SnakeYAML's default limit on a document (3 MB) and Jackson's on a string (20 million characters)
        String sql = "x".repeat(length);
        String content = name.endsWith(".json")
                ? "{\"operations\": [{\"sql\": {\"up\": \"" + sql + "\"}}]}"
                : "operations:\n  - sql:\n      up: " + sql + "\n";
        assertEquals(sql, ((RawSql) MigrationReader.parse(name, content).operations().get(0)).up());
    }
}
