package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The archives that package builds: their layout, and an unpacked tar.gz that runs. Run by failsafe after package. */
class DistributionIT {

    private static final String VERSION = System.getProperty("pgroll.dist.version");
    private static final String BASE = "pgroll-" + VERSION + "/";

    @Test
    void zipHoldsTheLaunchersAndJars() throws IOException {
        try (ZipFile zip = new ZipFile(System.getProperty("pgroll.dist.zip"))) {
            assertLayout(Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList());
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS,
            disabledReason = "unpacks with tar and runs the POSIX launcher; Windows has bin/pgroll.cmd")
    void unpackedTarGzRuns(@TempDir Path dir) throws Exception {
        assertLayout(run(dir, "tar", "tzf", System.getProperty("pgroll.dist.tarGz")).stdout.lines().toList());
        run(dir, "tar", "xzf", System.getProperty("pgroll.dist.tarGz"));
        Path pgroll = dir.resolve(BASE + "bin/pgroll");

        // the first run also makes the class-data archive, with a notice on stderr only
        Result first = run(dir, pgroll.toString(), "--version");
        assertEquals("pgroll for Java " + VERSION + "\n", first.stdout);
        assertTrue(Files.isRegularFile(dir.resolve(BASE + "lib/pgroll.jsa")), first.stderr);

        Result second = run(dir, pgroll.toString(), "--version");
        assertEquals(first.stdout, second.stdout);
        assertEquals("", second.stderr);
    }

    private static void assertLayout(List<String> entries) {
        assertTrue(entries.contains(BASE + "bin/pgroll"), entries::toString);
        assertTrue(entries.contains(BASE + "bin/pgroll.cmd"), entries::toString);
        assertTrue(entries.contains(BASE + "lib/pgroll.classlist"), entries::toString);
        assertTrue(entries.stream().anyMatch(e -> e.matches("\\Q" + BASE + "\\Elib/pgroll-cli.*\\.jar")),
                entries::toString);
    }

    private record Result(String stdout, String stderr) {
    }

    /** Runs a command in {@code dir}; fails unless it exits with 0. */
    private static Result run(Path dir, String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "timed out: " + String.join(" ", command));
        Result result = new Result(Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + result.stderr);
        return result;
    }
}
