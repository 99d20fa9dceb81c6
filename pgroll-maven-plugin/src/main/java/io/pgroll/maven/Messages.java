package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.StartResult;
import io.pgroll.core.ValidateResult;
import io.pgroll.core.migration.Migration;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/** What several goals say alike, in the command line's words. */
final class Messages {
    static final String UP_TO_DATE = "Database is up to date; no migrations to apply";
    static final String COMPLETED = "Migration successful!";

    private Messages() {
    }

    /** @param versionSchema null when version schemas are disabled */
    static String started(String migrationName, String versionSchema) {
        if (versionSchema == null) {
            return "Migration \"" + migrationName + "\" started successfully";
        }
        return "New version of the schema available under the postgres \"" + versionSchema + "\" schema";
    }

    static void logStarted(Log log, StartResult result) {
        if (result.backfilledRows() > 0) {
            log.info("Backfilled " + result.backfilledRows() + " rows in " + result.backfillTime().toMillis() + " ms");
        }
        log.info(started(result.migrationName(), result.versionSchema()));
    }

    static void warnAboutDrift(Log log, String schema, List<String> drift) {
        if (!drift.isEmpty()) {
            log.warn("Schema \"" + schema + "\" was changed outside pgroll since its last migration: "
                    + String.join("; ", drift));
        }
    }

    static MojoFailureException active(String migrationName) {
        return new MojoFailureException("migration \"" + migrationName + "\" is active; complete or roll it back first");
    }

    /**
     * The migration named {@code name} among the locations' files, or, without a name, the first one the database has
     * not seen; refused while a migration is active or when none is pending.
     */
    static Migration chosen(PgRoll pgroll, String name) throws MojoFailureException {
        List<Migration> local = pgroll.migrations();
        if (name != null && !name.isBlank()) {
            return local.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new MojoFailureException("no migration named \"" + name + "\" in the locations"));
        }
        ValidateResult checked = pgroll.validate();
        if (checked.activeMigration() != null) {
            throw active(checked.activeMigration());
        }
        if (checked.upToDate()) {
            throw new MojoFailureException(UP_TO_DATE);
        }
        String first = checked.pending().get(0);
        return local.stream().filter(m -> m.name().equals(first)).findFirst().orElseThrow();
    }
}
