package io.pgroll.core;

import io.pgroll.core.migration.Migration;
import java.util.List;
import java.util.Optional;

/**
 * The public entry point: runs pgroll migrations against one target schema of one database.
 * Not thread-safe; open one per unit of work and close it.
 */
public final class PgRoll implements AutoCloseable {

    private final PgRollConfig config;

    private PgRoll(PgRollConfig config) {
        this.config = config;
    }

    public static PgRoll open(PgRollConfig config) {
        return new PgRoll(config);
    }

    public PgRollConfig config() {
        return config;
    }

    /** Whether the state schema exists and is initialised. */
    public boolean isInitialized() {
        throw new IllegalStateException("engine under construction");
    }

    /** Creates or upgrades the state schema; idempotent and safe to run concurrently. */
    public void init() {
        throw new IllegalStateException("engine under construction");
    }

    /** Starts a migration: expands the schema and creates its version schema. */
    public StartResult start(Migration migration, StartOptions options) {
        throw new IllegalStateException("engine under construction");
    }

    /** Completes the active migration. */
    public void complete() {
        throw new IllegalStateException("engine under construction");
    }

    /** Rolls back the active migration. */
    public void rollback() {
        throw new IllegalStateException("engine under construction");
    }

    public Status status() {
        throw new IllegalStateException("engine under construction");
    }

    /**
     * Applies the migrations of {@code local} (ordered) that the database has not seen: all but the last are started
     * and completed, the last is completed only when {@code completeLast}.
     */
    public MigrateResult migrate(List<Migration> local, boolean completeLast, boolean expectOne, StartOptions options) {
        throw new IllegalStateException("engine under construction");
    }

    /** Validates a migration against the live schema without changing anything. */
    public void validate(Migration migration) {
        throw new IllegalStateException("engine under construction");
    }

    /** The latest version schema ({@code <schema>_<version>}) that exists, if any. */
    public Optional<String> latestVersionSchema() {
        throw new IllegalStateException("engine under construction");
    }

    /** The name of the latest migration in the history (of any type), if any. */
    public Optional<String> latestMigrationName() {
        throw new IllegalStateException("engine under construction");
    }

    @Override
    public void close() {
    }

    /** @param versionSchema the new version schema, or null when version schemas are disabled */
    public record StartResult(String migrationName, String versionSchema) {
    }

    /**
     * @param activeMigration  name of a migration that was already active (nothing applied), else null
     * @param applied          names of the migrations applied, in order
     * @param lastCompleted    whether the last applied migration was completed
     */
    public record MigrateResult(String activeMigration, List<String> applied, boolean lastCompleted) {
        public boolean upToDate() {
            return activeMigration == null && applied.isEmpty();
        }
    }
}
