package io.pgroll.cli;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
