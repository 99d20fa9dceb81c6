package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code snippets come from tested code: every block between {@code // readme:begin NAME} and
 * {@code // readme:end} in a test source of the repository must appear in README.md as it is (without its
 * indentation).
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyMarkedSnippetIsInTheReadmeUnchanged() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> snippets = new ArrayList<>();
        for (Path tests : testSourceDirectories()) {
            try (Stream<Path> files = Files.walk(tests)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    snippets.addAll(snippetsOf(Files.readAllLines(f)));
                }
            }
        }
        assertFalse(snippets.isEmpty());
        List<String> missing = snippets.stream().filter(s -> !readme.contains(s)).toList();
        assertEquals(List.of(), missing);
    }

    /** {@code src/test/java} of the modules, those under {@code samples/} too. */
    private static List<Path> testSourceDirectories() throws IOException {
        List<Path> modules = new ArrayList<>();
        for (Path dir : List.of(ROOT, ROOT.resolve("samples"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> children = Files.list(dir)) {
                    modules.addAll(children.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList());
                }
            }
        }
        return modules;
    }

    static List<String> snippetsOf(List<String> lines) {
        List<String> snippets = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            String code = line.strip();
            if (code.startsWith("// readme:begin")) {
                current = new ArrayList<>();
            } else if (code.equals("// readme:end") && current != null) {
                snippets.add(String.join("\n", dedent(current)));
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return snippets;
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
