package io.pgroll.cli;

import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the repository's examples/ directory from the module directory the tests run in. */
final class Examples {
    private Examples() {
    }

    static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples");
            if (Files.isDirectory(candidate) && Files.exists(p.resolve("pgroll-cli"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/ not found above " + here);
    }

    static List<Migration> all() {
        return MigrationReader.readDirectory(dir());
    }

    static Migration last() {
        List<Migration> all = all();
        return all.get(all.size() - 1);
    }

    /** The example file whose name starts with {@code prefix_}, e.g. {@code 01}. */
    static Path file(String prefix) {
        try (var files = Files.list(dir())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix + "_")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the examples numbered {@code 01} to {@code last} into {@code target}. */
    static Path copyUpTo(int last, Path target) {
        try {
            Files.createDirectories(target);
            for (int i = 1; i <= last; i++) {
                Path f = file(String.format("%02d", i));
                Files.copy(f, target.resolve(f.getFileName()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
