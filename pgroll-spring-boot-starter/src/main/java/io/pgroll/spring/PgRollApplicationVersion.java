package io.pgroll.spring;

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
}
