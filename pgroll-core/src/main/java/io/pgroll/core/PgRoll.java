package io.pgroll.core;

import io.pgroll.core.baseline.Baseline;
import io.pgroll.core.db.ConnectionUrl;
import io.pgroll.core.db.LockRetry;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.db.Transactions;
import io.pgroll.core.engine.MigrationEngine;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.MigrationTemplates;
import io.pgroll.core.migration.MigrationUpdater;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The public entry point: runs pgroll migrations against one target schema of one database.
 * Not thread-safe; open one per unit of work and close it. Connections are opened on first use.
 */
public final class PgRoll implements AutoCloseable {

    private final PgRollConfig config;
    private final LockRetry lockRetry;
    private Connection stateConnection;
    private Connection migrationConnection;
    private StateStore state;
    private MigrationEngine engine;

    private PgRoll(PgRollConfig config, LockRetry lockRetry) {
        this.config = config;
        this.lockRetry = lockRetry;
    }

    public static PgRoll open(PgRollConfig config) {
        return new PgRoll(config, LockRetry.defaults());
    }

    /** Like {@link #open(PgRollConfig)} with a custom policy for retrying statements that hit lock_timeout. */
    public static PgRoll open(PgRollConfig config, LockRetry lockRetry) {
        return new PgRoll(config, lockRetry);
    }

    public PgRollConfig config() {
        return config;
    }

    /** Whether the state schema exists and is initialised. */
    public boolean isInitialized() {
        return state().isInitialized();
    }

    /** Creates or upgrades the state schema; idempotent and safe to run concurrently. */
    public void init() {
        state().init();
    }

    /** Starts a migration: expands the schema and creates its version schema. */
    public StartResult start(Migration migration, StartOptions options) {
        return engine().start(migration, options);
    }

    /** Completes the active migration; {@link #complete(boolean) complete(false)}. */
    public void complete() {
        complete(false);
    }

    /**
     * Completes the active migration. Unless {@code force}, refused (nothing changed) while a live session of the
     * database is pinned to the previous version, which complete drops: one whose application_name carries the
     * version's tag, as {@link #versionedDataSource} sets it. Sessions that set their search_path without the tag
     * cannot be seen (another session's search_path is not visible in pg_stat_activity).
     */
    public void complete(boolean force) {
        engine().complete(force);
    }

    /** Rolls back the active migration; {@link #rollback(boolean) rollback(false)}. */
    public void rollback() {
        rollback(false);
    }

    /**
     * Rolls back the active migration. Unless {@code force}, refused (nothing changed) while a live session of the
     * database is pinned to the migration's version schema, which rollback drops (see {@link #complete(boolean)}).
     */
    public void rollback(boolean force) {
        engine().rollback(force);
    }

    /**
     * A DataSource whose every connection, each time {@code getConnection} hands it out (a pool's reused connection
     * too), has its search_path set to {@code versionSchema} alone and application_name tagged
     * {@code pgroll:<versionSchema>}: the bare tag when the connection had no name, else {@code <name>
     * (pgroll:<versionSchema>)}, the name shortened so that the tag fits PostgreSQL's 63 bytes. {@link #complete} and
     * {@link #rollback} refuse to drop a version schema while such a connection is open. A connection not in
     * autocommit mode has the settings committed at once. Needs no pgroll instance; see {@link VersionPinning}.
     */
    public static javax.sql.DataSource versionedDataSource(javax.sql.DataSource ds, String versionSchema) {
        return VersionPinning.dataSource(ds, versionSchema);
    }

    public Status status() {
        return engine().status();
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
        return engine().migrate(local, completeLast, expectOne, options, force);
    }

    /** Validates a migration against the live schema without changing anything. */
    public void validate(Migration migration) {
        engine().validate(migration);
    }

    /**
     * Plans a migration without changing anything: for start, complete and rollback, every statement with the locks
     * it takes, the tables it scans or rewrites and their sizes, and the backfill (see {@link MigrationPlan}). Only
     * reads the catalog, in read-only transactions that are rolled back; no migration may be active.
     */
    public MigrationPlan plan(Migration migration, StartOptions options) {
        MigrationEngine e = engine();
        try {
            return Transactions.rolledBack(stateConnection, "READ ONLY", state ->
                    Transactions.rolledBack(migrationConnection, "READ ONLY", migrations -> e.plan(migration, options)));
        } catch (SQLException failed) {
            throw new DatabaseException("could not plan in a read-only transaction: " + failed.getMessage(), failed);
        }
    }

    /** The latest version schema ({@code <schema>_<version>}) that exists, if any. */
    public Optional<String> latestVersionSchema() {
        return initializedState().latestVersion(config.schema()).map(v -> config.schema() + "_" + v);
    }

    /** The name of the latest migration in the history (of any type), if any. */
    public Optional<String> latestMigrationName() {
        return initializedState().latestMigration(config.schema()).map(MigrationRecord::name);
    }

    /**
     * Writes each migration recorded since the newest baseline (inferred ones included) that {@code dir} has no file
     * for, by name, as {@code <name>.yaml} ({@code .json} when {@code json}), creating the directory when needed;
     * returns the files written, oldest migration first. Files that exist are left as they are.
     */
    public List<Path> pull(Path dir, boolean json) {
        List<Migration> missing = new ArrayList<>();
        Set<String> present = MigrationReader.namesIn(dir);
        for (MigrationRecord r : initializedState().historySinceBaseline(config.schema()).migrations()) {
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
    public Baseline.Result baseline(String version, Path dir, boolean json) {
        return Baseline.record(initializedState(), stateConnection, config.schema(), version, dir, json);
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
        initializedState();
        MigrationUpdater.apply(rewrites);
        return rewrites;
    }

    /** The target schema as pgroll sees it: {@code read_schema}'s JSON, 2-space indented. */
    public String analyze() {
        return MigrationWriter.prettyJson(initializedState().readSchema(config.schema()));
    }

    @Override
    public void close() {
        closeQuietly(migrationConnection);
        closeQuietly(stateConnection);
        migrationConnection = null;
        stateConnection = null;
    }

    private StateStore state() {
        if (state == null) {
            stateConnection = connect("pgroll-state");
            state = new StateStore(stateConnection, config.stateSchema());
        }
        return state;
    }

    private StateStore initializedState() {
        StateStore s = state();
        if (!s.isInitialized()) {
            throw new MigrationStateException("pgroll is not initialized, run 'pgroll init' to initialize");
        }
        if (s.needsUpgrade()) {
            s.init();
        }
        return s;
    }

    private MigrationEngine engine() {
        if (engine == null) {
            StateStore s = initializedState();
            migrationConnection = connect("pgroll");
            try (Statement st = migrationConnection.createStatement()) {
                st.execute("SET search_path TO " + Sql.ident(config.schema()));
                if (!config.lockTimeout().isZero()) {
                    st.execute("SET lock_timeout = " + Sql.literal(config.lockTimeout().toMillis() + "ms"));
                }
                if (config.role() != null) {
                    st.execute("SET ROLE " + Sql.ident(config.role()));
                }
                int major;
                try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
                    rs.next();
                    major = rs.getInt(1);
                }
                engine = new MigrationEngine(config, new StatementRunner(migrationConnection, lockRetry), s, major);
            } catch (SQLException e) {
                throw new DatabaseException("could not prepare the migration connection: " + e.getMessage(), e);
            }
        }
        return engine;
    }

    private Connection connect(String applicationName) {
        Properties props = new Properties();
        props.setProperty("ApplicationName", applicationName);
        try {
            Connection c = DriverManager.getConnection(ConnectionUrl.toJdbc(config.url()), props);
            try (Statement st = c.createStatement()) {
                // keeps our own DDL out of the inferred-migration history that the event triggers record
                st.execute("SET pgroll.no_inferred_migrations = 'TRUE'");
            }
            return c;
        } catch (SQLException e) {
            throw new DatabaseException("could not connect to " + ConnectionUrl.redact(config.url()) + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing useful to do when closing fails
        }
    }

    /**
     * @param versionSchema   the new version schema, or null when version schemas are disabled
     * @param backfilledRows  rows the backfill rewrote
     * @param backfillTime    time the backfill took
     * @param drift           what had changed outside pgroll since the last migration when this one started, as
     *                        {@link Status#drift()} lists it: the new version shows it as if the migration had made it
     */
    public record StartResult(String migrationName, String versionSchema, long backfilledRows,
                              java.time.Duration backfillTime, List<String> drift) {
        public StartResult {
            drift = List.copyOf(drift);
        }
    }

    /**
     * @param activeMigration  name of a migration that was already active (nothing applied), else null
     * @param applied          names of the migrations applied, in order
     * @param lastCompleted    whether the last applied migration was completed
     * @param drift            what had changed outside pgroll before the first of them started (see
     *                         {@link StartResult#drift()})
     */
    public record MigrateResult(String activeMigration, List<String> applied, boolean lastCompleted,
                                List<String> drift) {
        public MigrateResult {
            drift = List.copyOf(drift);
        }

        public boolean upToDate() {
            return activeMigration == null && applied.isEmpty();
        }
    }
}
