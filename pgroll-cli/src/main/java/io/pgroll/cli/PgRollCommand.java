package io.pgroll.cli;

import io.pgroll.cli.embedded.EmbeddedServer;
import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.ConnectionUrl;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code pgroll} command: global options (also taken from PGROLL_* variables) and shared plumbing. */
@Command(name = "pgroll",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Zero-downtime, reversible schema migrations for PostgreSQL.",
        footer = {"",
                "Without --postgres-url or PGROLL_PG_URL, pgroll uses a local PostgreSQL that it starts on first use%n"
                        + "and keeps running, with its data in .pgroll/embedded (see 'pgroll embedded')."})
public final class PgRollCommand {

    /**
     * The subcommands by name, in the order help lists them. Main registers only those an invocation names: picocli
     * reflects over every registered command when the command line is built, which took most of the start-up time.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> subcommands = new LinkedHashMap<>();
        subcommands.put("init", InitCommand.class);
        subcommands.put("start", StartCommand.class);
        subcommands.put("complete", CompleteCommand.class);
        subcommands.put("rollback", RollbackCommand.class);
        subcommands.put("status", StatusCommand.class);
        subcommands.put("migrate", MigrateCommand.class);
        subcommands.put("validate", ValidateCommand.class);
        subcommands.put("plan", PlanCommand.class);
        subcommands.put("pull", PullCommand.class);
        subcommands.put("baseline", BaselineCommand.class);
        subcommands.put("create", CreateCommand.class);
        subcommands.put("update", UpdateCommand.class);
        subcommands.put("convert", ConvertCommand.class);
        subcommands.put("analyze", AnalyzeCommand.class);
        subcommands.put("latest", LatestCommand.class);
        subcommands.put("embedded", EmbeddedCommand.class);
        return Collections.unmodifiableMap(subcommands);
    }

    @Option(names = "--postgres-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Postgres URL, libpq (postgres://user:pass@host:port/db?sslmode=disable) or JDBC style "
                    + "(env PGROLL_PG_URL; default: the embedded server in .pgroll/embedded)")
    String postgresUrl;

    @Option(names = "--schema", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = "public",
            description = "Postgres schema to migrate (env PGROLL_SCHEMA; default: ${DEFAULT-VALUE})")
    String schema;

    @Option(names = "--pgroll-schema", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = "pgroll",
            description = "Postgres schema holding pgroll's state (env PGROLL_STATE_SCHEMA; default: ${DEFAULT-VALUE})")
    String stateSchema;

    @Option(names = "--lock-timeout", scope = ScopeType.INHERIT, paramLabel = "MS", defaultValue = "50",
            description = "lock_timeout in milliseconds for pgroll's DDL, 0 to keep the server's "
                    + "(env PGROLL_LOCK_TIMEOUT; default: ${DEFAULT-VALUE})")
    int lockTimeoutMs;

    @Option(names = "--role", scope = ScopeType.INHERIT, paramLabel = "ROLE",
            description = "Role to SET ROLE to before running DDL (env PGROLL_ROLE)")
    String role;

    @Option(names = "--use-version-schema", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true",
            defaultValue = "true", paramLabel = "BOOL",
            description = "Create a version schema of views for each migration "
                    + "(env PGROLL_USE_VERSION_SCHEMA; default: ${DEFAULT-VALUE})")
    boolean useVersionSchema;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "true",
            defaultValue = "false", paramLabel = "BOOL",
            description = "Log what pgroll does and print stack traces of errors (env PGROLL_VERBOSE)")
    boolean verbose;

    final Env env;

    PgRollCommand(Env env) {
        this.env = env;
    }

    /** pgroll on {@code url}, configured by the global options, telling {@code listener} what it does. */
    PgRoll pgroll(String url, PgRollListener listener) {
        if (lockTimeoutMs < 0) {
            throw new PgRollException("--lock-timeout must not be negative, got " + lockTimeoutMs);
        }
        return PgRoll.configure().url(ConnectionUrl.toJdbc(url)).schema(schema).stateSchema(stateSchema)
                .lockTimeout(Duration.ofMillis(lockTimeoutMs)).role(role).useVersionSchema(useVersionSchema)
                .listener(listener).load();
    }

    /** The URL given with --postgres-url or PGROLL_PG_URL, or null. */
    String explicitUrl() {
        return postgresUrl == null || postgresUrl.isBlank() ? null : postgresUrl.trim();
    }

    /** The URL to connect to: the explicit one, else the embedded server (started if needed; noted on stderr). */
    String connectionUrl() {
        String url = explicitUrl();
        return url != null ? url : embeddedUrl();
    }

    String embeddedUrl() {
        EmbeddedServer server = new EmbeddedServer(env.cwd(), env.vars());
        EmbeddedServer.Running running = server.ensureRunning();
        String verb = switch (running.action()) {
            case CREATED -> "Created and started";
            case STARTED -> "Started";
            case REUSED -> "Using";
        };
        env.err().println(verb + " embedded PostgreSQL " + running.version() + " in "
                + env.display(server.directory()) + " (port " + running.port() + ")"
                + "; set --postgres-url or PGROLL_PG_URL to use your own server");
        return running.url();
    }

    /**
     * Runs {@code action} with pgroll on the configured database. Every command but init refuses an uninitialised
     * state schema by itself (with pgroll's message), so no separate check, and no extra connection, is needed here.
     */
    <T> T withPgRoll(Function<PgRoll, T> action) {
        return withPgRoll(connectionUrl(), PgRollListener.NONE, action);
    }

    /** Like {@link #withPgRoll(Function)}, telling {@code listener} what pgroll does. */
    <T> T withPgRoll(PgRollListener listener, Function<PgRoll, T> action) {
        return withPgRoll(connectionUrl(), listener, action);
    }

    <T> T withPgRoll(String url, PgRollListener listener, Function<PgRoll, T> action) {
        configureLogging();
        return action.apply(pgroll(url, listener));
    }

    StartOptions startOptions(boolean skipValidation, BackfillOptions backfill) {
        if (backfill.batchSize < 0) {
            throw new PgRollException("--backfill-batch-size must not be negative, got " + backfill.batchSize);
        }
        if (backfill.batchDelay.isNegative()) {
            throw new PgRollException("--backfill-batch-delay must not be negative, got "
                    + GoDuration.format(backfill.batchDelay));
        }
        if (backfill.batchTarget.isNegative() || backfill.batchTarget.isZero()) {
            throw new PgRollException("--backfill-batch-target must be positive, got "
                    + GoDuration.format(backfill.batchTarget));
        }
        if (backfill.maxReplicaLag != null && backfill.maxReplicaLag.isNegative()) {
            throw new PgRollException("--max-replica-lag must not be negative, got "
                    + GoDuration.format(backfill.maxReplicaLag));
        }
        return new StartOptions(skipValidation, backfill.batchSize, backfill.batchDelay, backfill.batchTarget,
                backfill.maxReplicaLag, backfill.maxWalRate);
    }

    /** Log levels: warnings only, or pgroll's own events too with --verbose. Must run before the first logger. */
    void configureLogging() {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.io.pgroll", "debug");
        }
    }
}
