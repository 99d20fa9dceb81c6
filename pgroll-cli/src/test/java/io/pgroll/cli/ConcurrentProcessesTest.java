package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two pgroll processes starting migrations on the same schema at the same moment: exactly one wins. */
class ConcurrentProcessesTest {

    private record Outcome(int exitCode, String stderr) {
    }

    @Test
    void exactlyOneOfTwoConcurrentStartsWinsAndTheOtherGetsAClearError(@TempDir Path dir) throws Exception {
        String url = TestPostgres.newDatabase();
        assertEquals(0, launch(dir, url, "init").waitFor());
        List<Process> processes = new ArrayList<>();
        for (String name : List.of("01_first", "01_second")) {
            Path file = dir.resolve(name + ".json");
            Files.writeString(file, """
                    {"operations":[{"create_table":{"name":"t_%s","columns":[{"name":"id","type":"int","pk":true}]}}]}"""
                    .formatted(name));
            processes.add(launch(dir, url, "start", file.toString()));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Process p : processes) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            outcomes.add(new Outcome(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)));
        }
        assertEquals(1, outcomes.stream().filter(o -> o.exitCode() == 0).count(), outcomes.toString());
        Outcome loser = outcomes.stream().filter(o -> o.exitCode() != 0).findFirst().orElseThrow();
        assertEquals(1, loser.exitCode(), loser.toString());
        List<String> lines = loser.stderr().lines().filter(l -> l.startsWith("Error: ")).toList();
        assertEquals(1, lines.size(), loser.stderr());
        assertTrue(lines.get(0).contains("already in progress"), lines.get(0));
        assertTrue(loser.stderr().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + loser.stderr());
    }

    private static Process launch(Path dir, String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--postgres-url", url));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
