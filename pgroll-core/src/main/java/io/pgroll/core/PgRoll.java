package io.pgroll.core;

import io.pgroll.core.baseline.Baseline;
import io.pgroll.core.db.Connector;
import io.pgroll.core.db.LockRetry;
import io.pgroll.core.db.Transactions;
import io.pgroll.core.engine.MigrationEngine;
import io.pgroll.core.engine.Session;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationLocations;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.MigrationTemplates;
import io.pgroll.core.migration.MigrationUpdater;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.state.MigrationRecord;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The public entry point: runs pgroll migrations against one target schema of one database.
 *
 * <pre>{@code
 * PgRoll pgroll = PgRoll.configure()
 *         .dataSource(dataSource)
 *         .locations("classpath:db/pgroll")
 *         .load();
 * MigrateResult result = pgroll.migrate();
 * }</pre>
 *
 * Thread-safe: it holds no connection between operations. Each operation takes two connections (state and DDL) for
 * as long as it runs, and concurrent migrations of one schema wait for each other on the schema lock in the database.
 * Errors are unchecked {@link PgRollException}s: {@link MigrationFileException} for a bad file,
 * {@link MigrationStateException} when the state of the database forbids what was asked, {@link DatabaseException}
 * when the database reports an error.
 */
public final class PgRoll {

    /** Where {@link PgRollBuilder#locations} looks by default. */
    public static final String DEFAULT_LOCATION = "classpath:db/pgroll";

    private final PgRollConfig config;
    private final Connector connector;
    private final LockRetry lockRetry;
    private final PgRollListener listener;
    private final List<String> locations;
    private final ClassLoader classLoader;
    private final StartOptions startOptions;

    PgRoll(PgRollConfig config, Connector connector, LockRetry lockRetry, PgRollListener listener,
           List<String> locations, ClassLoader classLoader, StartOptions startOptions) {
        this.config = config;
        this.connector = connector;
        this.lockRetry = lockRetry;
        this.listener = listener;
        this.locations = List.copyOf(locations);
        this.classLoader = classLoader;
        this.startOptions = startOptions;
    }

    /** Starts a configuration: give it a database, then {@link PgRollBuilder#load()}. */
    public static PgRollBuilder configure() {
        return new PgRollBuilder();
    }

    /** A pgroll for {@code config}'s URL, whose migrations are given to each call rather than read from locations. */
    public static PgRoll open(PgRollConfig config) {
        if (config.url() == null) {
            throw new PgRollException("no database URL configured");
        }
        return new PgRoll(config, Connector.of(config.url()), LockRetry.defaults(), PgRollListener.NONE,
                List.of(DEFAULT_LOCATION), PgRoll.class.getClassLoader(), StartOptions.defaults());
    }

    public PgRollConfig config() {
        return config;
    }

    /** Whether the state schema exists and is initialised. */
    public boolean isInitialized() {
        return inSession(s -> s.state().isInitialized());
    }

    /** Creates or upgrades the state schema; idempotent and safe to run concurrently. */
    public void init() {
        inSession(s -> {
            s.state().init();
            return null;
        });
    }

    /** The migrations of the configured locations, oldest first; a bad file fails with its name, operation, field. */
    public List<Migration> migrations() {
        return MigrationLocations.read(locations, classLoader);
    }

    /**
     * The version schema a migration creates ({@code <schema>_<version>}), e.g. for {@link #versionedDataSource}: an
     * application built with migrations up to {@code m} uses this schema.
     */
    public String versionSchema(Migration m) {
        return config.schema() + "_" + m.version();
    }

    /**
     * Applies the pending migrations of the configured locations as pgroll's {@code migrate} does, with
     * {@link MigrateOptions#defaults()}: all are completed but the last, which is left active. Initialises the state
     * schema first when needed.
     */
    public MigrateResult migrate() {
        return migrate(MigrateOptions.defaults());
    }

    /** Applies the pending migrations of the configured locations; initialises the state schema when needed. */
    public MigrateResult migrate(MigrateOptions options) {
        List<Migration> local = migrations();
        return inSession(s -> {
            if (!s.state().isInitialized()) {
                s.state().init();
            }
            return s.engine().migrate(local, options, startOptions);
        });
    }

    /**
     * Applies the migrations of {@code local} (ordered) that the database has not seen: all but the last are started
     * and completed, the last is completed only when {@code completeLast}. Each complete is refused while a session is
     * pinned to the version it drops (see {@link #complete(boolean)}).
     */
    public MigrateResult migrate(List<Migration> local, boolean completeLast, boolean expectOne, StartOptions options) {
        return migrate(local, completeLast, expectOne, options, false);
    }

    /** {@link #migrate(List, boolean, boolean, StartOptions)} whose completes are forced when {@code force}. */
    public MigrateResult migrate(List<Migration> local, boolean completeLast, boolean expectOne, StartOptions options,
                                 boolean force) {
        return inEngine(e -> e.migrate(local, new MigrateOptions(completeLast, expectOne, force, null), options));
    }

    /** Starts the migration of the configured locations named {@code name}, with the configured backfill options. */
    public StartResult start(String name) {
        Migration m = migrations().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new MigrationFileException(name, null, "no migration of this name in " + locations));
        return start(m);
    }

    /** Starts a migration with the configured backfill options. */
    public StartResult start(Migration migration) {
        return start(migration, startOptions);
    }

    /** Starts a migration: expands the schema and creates its version schema. */
    public StartResult start(Migration migration, StartOptions options) {
        return inEngine(e -> e.start(migration, options));
    }

    /** Completes the active migration; {@link #complete(boolean) complete(false)}. */
    public CompleteResult complete() {
        return complete(false);
    }

    /**
     * Completes the active migration. Unless {@code force}, refused (nothing changed) while a live session of the
     * database is pinned to the previous version, which complete drops: one whose application_name carries the
     * version's tag, as {@link #versionedDataSource} sets it. Sessions that set their search_path without the tag
     * cannot be seen (another session's search_path is not visible in pg_stat_activity).
     */
    public CompleteResult complete(boolean force) {
        return inEngine(e -> e.complete(force));
    }

    /** Rolls back the active migration; {@link #rollback(boolean) rollback(false)}. */
    public RollbackResult rollback() {
        return rollback(false);
    }

    /**
     * Rolls back the active migration. Unless {@code force}, refused (nothing changed) while a live session of the
     * database is pinned to the migration's version schema, which rollback drops (see {@link #complete(boolean)}).
     */
    public RollbackResult rollback(boolean force) {
        return inEngine(e -> e.rollback(force));
    }

    /**
     * A DataSource whose every connection, each time {@code getConnection} hands it out (a pool's reused connection
     * too), has its search_path set to {@code versionSchema} alone and application_name tagged
     * {@code pgroll:<versionSchema>}: the bare tag when the connection had no name, else {@code <name>
     * (pgroll:<versionSchema>)}, the name shortened so that the tag fits PostgreSQL's 63 bytes. {@link #complete} and
     * {@link #rollback} refuse to drop a version schema while such a connection is open. A connection not in
     * autocommit mode has the settings committed at once. Needs no pgroll instance; see {@link VersionPinning}.
     */
    public static DataSource versionedDataSource(DataSource ds, String versionSchema) {
        return VersionPinning.dataSource(ds, versionSchema);
    }

    public Status status() {
        return inEngine(MigrationEngine::status);
    }

    /** The history of the target schema since pgroll was first used on it, oldest first. */
    public List<HistoryEntry> history() {
        return inSession(s -> s.initializedState().history(config.schema()).stream().map(PgRoll::entry).toList());
    }

    /** Validates a migration against the live schema without changing anything. */
    public void validate(Migration migration) {
        inEngine(e -> {
            e.validate(migration);
            return null;
        });
    }

    /**
     * Checks the configured locations against the database without changing anything: every file reads, the
     * migrations applied are the files' first ones, unchanged, and the first pending migration (if no migration is
     * active) is valid against the live schema. Refused as {@link #migrate()} would refuse.
     */
    public ValidateResult validate() {
        List<Migration> local = migrations();
        return inEngine(e -> e.validatePending(local));
    }

    /**
     * Plans a migration without changing anything: for start, complete and rollback, every statement with the locks
     * it takes, the tables it scans or rewrites and their sizes, and the backfill (see {@link MigrationPlan}). Only
     * reads the catalog, in read-only transactions that are rolled back; no migration may be active.
     */
    public MigrationPlan plan(Migration migration, StartOptions options) {
        return inSession(s -> {
            MigrationEngine e = s.engine();
            try {
                return Transactions.rolledBack(s.stateConnection(), "READ ONLY", state ->
                        Transactions.rolledBack(s.migrationConnection(), "READ ONLY",
                                migrations -> e.plan(migration, options)));
            } catch (SQLException failed) {
                throw new DatabaseException("could not plan in a read-only transaction: " + failed.getMessage(),
                        failed);
            }
        });
    }

    /** The latest version schema ({@code <schema>_<version>}) that exists, if any. */
    public Optional<String> latestVersionSchema() {
        return inSession(s -> s.initializedState().latestVersion(config.schema()).map(v -> config.schema() + "_" + v));
    }

    /** The name of the latest migration in the history (of any type), if any. */
    public Optional<String> latestMigrationName() {
        return inSession(s -> s.initializedState().latestMigration(config.schema()).map(MigrationRecord::name));
    }

    /**
     * Writes each migration recorded since the newest baseline (inferred ones included) that {@code dir} has no file
     * for, by name, as {@code <name>.yaml} ({@code .json} when {@code json}), creating the directory when needed;
     * returns the files written, oldest migration first. Files that exist are left as they are.
     */
    public List<Path> pull(Path dir, boolean json) {
        List<Migration> missing = new ArrayList<>();
        Set<String> present = MigrationReader.namesIn(dir);
        List<MigrationRecord> recorded =
                inSession(s -> s.initializedState().historySinceBaseline(config.schema()).migrations());
        for (MigrationRecord r : recorded) {
            if (!present.contains(r.name())) {
                Migration m = MigrationWriter.fromJson(r.name(), r.migrationJson());
                MigrationWriter.fileName(m, json); // every name is checked before anything is written
                missing.add(m);
            }
        }
        MigrationWriter.createDirectory(dir);
        List<Path> written = new ArrayList<>();
        for (Migration m : missing) {
            written.add(MigrationWriter.writeNewFile(dir, m, json));
        }
        return written;
    }

    /**
     * Records a baseline named {@code version}: from now on the history starts here, and the schema as it is counts as
     * migrated. Writes {@code <dir>/<version>.yaml} ({@code .json} when {@code json}) holding a {@code sql} operation
     * that re-creates the schema, so that {@code migrate} builds the same schema on an empty database. Refused, with
     * nothing written or recorded, while a migration is active, for an empty schema, for a name in use (in the history
     * or by a file in {@code dir}) and for a name that cannot be a migration's.
     */
    public BaselineResult baseline(String version, Path dir, boolean json) {
        return inSession(s -> Baseline.record(s.initializedState(), s.stateConnection(), config.schema(), version, dir,
                json));
    }

    /**
     * Writes a new migration file {@code <name>.yaml} ({@code .json} when {@code json}) with {@code operations} (none
     * for an empty migration, see {@link MigrationTemplates#skeleton} for operations to fill in) into {@code dir} and
     * returns it. Needs no database and opens no connection. A name that is no plain file name, or that a migration
     * file in {@code dir} already has (whatever its extension), is refused; no file is ever overwritten.
     */
    public static Path create(Path dir, String name, List<Operation> operations, boolean json) {
        return MigrationTemplates.create(dir, name, operations, json);
    }

    /**
     * Rewrites the migration files of {@code dir} written in older pgroll formats into the current one (see
     * {@link MigrationUpdater}) and returns the rewrites; files in the current format are left alone. Like pgroll,
     * it insists on an initialised state, although the files are all it reads or writes; every file is read before
     * the database is contacted and before anything is written. {@link MigrationUpdater#update} does the same without
     * a database.
     */
    public List<MigrationUpdater.Rewrite> update(Path dir, boolean json) {
        List<MigrationUpdater.Rewrite> rewrites = MigrationUpdater.plan(dir, json);
        inSession(Session::initializedState);
        MigrationUpdater.apply(rewrites);
        return rewrites;
    }

    /** The target schema as pgroll sees it: {@code read_schema}'s JSON, 2-space indented. */
    public String analyze() {
        return inSession(s -> MigrationWriter.prettyJson(s.initializedState().readSchema(config.schema())));
    }

    private <T> T inSession(Function<Session, T> work) {
        try (Session session = new Session(config, connector, lockRetry, listener)) {
            return work.apply(session);
        }
    }

    private <T> T inEngine(Function<MigrationEngine, T> work) {
        return inSession(s -> work.apply(s.engine()));
    }

    private static HistoryEntry entry(MigrationRecord r) {
        HistoryEntry.Type type = switch (r.migrationType()) {
            case MigrationRecord.TYPE_INFERRED -> HistoryEntry.Type.INFERRED;
            case MigrationRecord.TYPE_BASELINE -> HistoryEntry.Type.BASELINE;
            default -> HistoryEntry.Type.PGROLL;
        };
        return new HistoryEntry(r.name(), r.parent(), type, r.done(), r.createdAt(), r.updatedAt(),
                r.migrationJson());
    }
}
