package io.pgroll.spring;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import io.pgroll.core.migration.Migration;
import java.util.List;

/**
 * The version of the schema this application is built for: its last local migration and that migration's version
 * schema. Null fields when it ships no migration; a null version schema too when version schemas are off.
 *
 * @param lastMigration  name of the last migration of the configured locations
 * @param versionSchema  the version schema the application's connections are pinned to
 */
public record PgRollApplicationVersion(String lastMigration, String versionSchema) {

    static PgRollApplicationVersion of(PgRoll pgroll) {
        List<Migration> local = pgroll.migrations();
        if (local.isEmpty()) {
            return new PgRollApplicationVersion(null, null);
        }
        Migration last = local.get(local.size() - 1);
        return new PgRollApplicationVersion(last.name(),
                pgroll.config().useVersionSchema() ? pgroll.versionSchema(last) : null);
    }

    /**
     * The migrations {@code history} (oldest first) has after this application's last one, inferred ones left out;
     * null when the history does not have it.
     */
    List<HistoryEntry> newerMigrations(List<HistoryEntry> history) {
        List<HistoryEntry> migrations = history.stream().filter(h -> h.type() != HistoryEntry.Type.INFERRED).toList();
        int mine = migrations.stream().map(HistoryEntry::name).toList().indexOf(lastMigration);
        return mine < 0 ? null : migrations.subList(mine + 1, migrations.size());
    }

    /**
     * Whether the database still serves this version: its last migration is the newest, or the one before a newer
     * migration that is still active (whose complete will drop this version).
     */
    static boolean isStillServed(List<HistoryEntry> newerMigrations) {
        return newerMigrations.isEmpty() || newerMigrations.size() == 1 && !newerMigrations.get(0).done();
    }
}
