package io.pgroll.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a pgroll invocation sees of the outside world; tests pass their own.
 *
 * @param vars        environment variables (PGROLL_* settings, HOME, XDG_CACHE_HOME)
 * @param cwd         directory that relative paths and {@code .pgroll/embedded} are resolved against
 * @param in          standard input: answers to {@code create}'s questions
 * @param out         standard output: command results
 * @param err         standard error: errors, notices, progress, questions
 * @param interactive whether a terminal is attached (enables the backfill progress line and {@code create}'s
 *                    questions)
 */
public record Env(Map<String, String> vars, Path cwd, InputStream in, PrintStream out, PrintStream err,
                  boolean interactive) {

    public Env {
        vars = Map.copyOf(vars);
        cwd = cwd.toAbsolutePath().normalize();
    }

    /** An environment whose standard input is empty. */
    public Env(Map<String, String> vars, Path cwd, PrintStream out, PrintStream err, boolean interactive) {
        this(vars, cwd, InputStream.nullInputStream(), out, err, interactive);
    }

    /** The real process environment. */
    public static Env system() {
        return new Env(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out, System.err,
                System.console() != null);
    }

    public String var(String name) {
        String v = vars.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public Path resolve(String path) {
        return cwd.resolve(path).normalize();
    }

    /** {@code path} relative to the working directory when it lies below it, for messages. */
    public String display(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
