package io.pgroll.cli;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Entry point of the {@code pgroll} command line. Exit codes: 0 success, 1 error (one {@code Error: ...} line on
 * stderr), 2 usage error (picocli's message and usage).
 */
public final class Main {

    /** Options that fall back to an environment variable when not given on the command line. */
    static final Map<String, String> ENV_VARS = Map.of(
            "--postgres-url", "PGROLL_PG_URL",
            "--schema", "PGROLL_SCHEMA",
            "--pgroll-schema", "PGROLL_STATE_SCHEMA",
            "--lock-timeout", "PGROLL_LOCK_TIMEOUT",
            "--role", "PGROLL_ROLE",
            "--use-version-schema", "PGROLL_USE_VERSION_SCHEMA",
            "--verbose", "PGROLL_VERBOSE",
            "--skip-validation", "PGROLL_SKIP_VALIDATION");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Env.system(), args));
    }

    /** Runs one pgroll invocation and returns its exit code. */
    public static int run(Env env, String... args) {
        PgRollCommand root = new PgRollCommand(env);
        CommandLine cli = commandLine(root, args);
        return cli.execute(args);
    }

    /**
     * The command line for {@code args}: with the subcommands they name, or all of them when they name none (root
     * help, or an unknown command that picocli reports with suggestions). An option value that happens to be a
     * command name only adds a command that goes unused.
     */
    static CommandLine commandLine(PgRollCommand root, String... args) {
        Env env = root.env;
        CommandLine cli = new CommandLine(root);
        List<String> named = Arrays.stream(args).filter(PgRollCommand.SUBCOMMANDS::containsKey).toList();
        PgRollCommand.SUBCOMMANDS.forEach((name, command) -> {
            if (named.isEmpty() || named.contains(name)) {
                cli.addSubcommand(name, command);
            }
        });
        cli.registerConverter(Boolean.class, new Converters.GoBoolConverter());
        cli.registerConverter(boolean.class, new Converters.GoBoolConverter());
        cli.setDefaultValueProvider(new EnvDefaults(env));
        cli.setOut(new java.io.PrintWriter(env.out(), true));
        cli.setErr(new java.io.PrintWriter(env.err(), true));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            reportError(env, ex, root.verbose);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    /** Prints {@code Error: <message>} as one line; the stack trace only with --verbose. */
    static void reportError(Env env, Throwable ex, boolean verbose) {
        env.err().println("Error: " + oneLine(message(ex)));
        if (verbose) {
            for (Throwable t = ex; t != null; t = t.getCause()) {
                if (t instanceof DatabaseException db && db.statement() != null) {
                    env.err().println("While running: " + db.statement());
                    break;
                }
            }
            ex.printStackTrace(env.err());
        }
        env.err().flush();
    }

    static String message(Throwable ex) {
        if (ex instanceof PgRollException) {
            return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }
        // unexpected: the innermost useful message, e.g. an SQLException's
        Throwable t = ex;
        String msg = t.getMessage();
        while ((msg == null || msg.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            msg = t.getMessage();
        }
        return msg == null || msg.isBlank() ? ex.getClass().getName() : msg;
    }

    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Flag wins over PGROLL_* variable wins over the annotated default. */
    static final class EnvDefaults implements IDefaultValueProvider {
        private final Env env;

        EnvDefaults(Env env) {
            this.env = env;
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (argSpec instanceof OptionSpec option) {
                String variable = ENV_VARS.get(option.longestName());
                if (variable != null) {
                    String value = env.var(variable);
                    if (value != null) {
                        return value;
                    }
                }
            }
            return argSpec.defaultValue();
        }
    }
}
