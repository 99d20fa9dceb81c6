package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process with a controlled environment and captures its output. */
final class Cli {

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private final Map<String, String> vars = new HashMap<>();
    private final Path cwd;
    private boolean terminal;
    private String input = "";

    Cli(Path cwd) {
        this.cwd = cwd;
        // keep the binaries cache of the real user; nothing else from the real environment
        String home = System.getenv("HOME");
        if (home != null) {
            vars.put("HOME", home);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null) {
            vars.put("XDG_CACHE_HOME", xdg);
        }
    }

    Cli env(String name, String value) {
        vars.put(name, value);
        return this;
    }

    /** Runs as if a terminal were attached, which shows the backfill progress on stderr. */
    Cli terminal() {
        terminal = true;
        return this;
    }

    /** What standard input holds, e.g. the answers to create's questions, one a line. */
    Cli input(String text) {
        input = text;
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = Main.run(new Env(vars, cwd, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o,
                    e, terminal), args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Asserts exit code 1, nothing on stdout and exactly {@code Error: <expectedMessage>} on stderr. */
    static void assertOneLineError(Result r, String expectedMessage) {
        assertOneLineErrorStartingWith(r, expectedMessage);
        assertEquals("Error: " + expectedMessage, r.errLines().get(0), r.toString());
    }

    /** Asserts exit code 1, nothing on stdout and one {@code Error: <prefix>...} line on stderr. */
    static void assertOneLineErrorStartingWith(Result r, String prefix) {
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("Error: " + prefix), r.toString());
    }

    /** Parses only, returning the root command with its options filled in (flags, env, defaults). */
    PgRollCommand parse(String... args) {
        PgRollCommand root = new PgRollCommand(new Env(vars, cwd, System.out, System.err, false));
        Main.commandLine(root).parseArgs(args);
        return root;
    }
}
