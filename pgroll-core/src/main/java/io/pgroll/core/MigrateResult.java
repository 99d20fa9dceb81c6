package io.pgroll.core;

import java.util.List;

/**
 * What {@code migrate} did.
 *
 * @param activeMigration  name of a migration that was already active (nothing applied), else null
 * @param applied          names of the migrations applied, in order
 * @param lastCompleted    whether the last applied migration was completed
 * @param versionSchema    the version schema of the last applied migration, or null when none was applied or version
 *                         schemas are disabled
 * @param drift            what had changed outside pgroll before the first of them started (see
 *                         {@link StartResult#drift()})
 */
public record MigrateResult(String activeMigration, List<String> applied, boolean lastCompleted, String versionSchema,
                            List<String> drift) {
    public MigrateResult {
        applied = List.copyOf(applied);
        drift = List.copyOf(drift);
    }

    /** Whether nothing was applied because nothing was pending. */
    public boolean upToDate() {
        return activeMigration == null && applied.isEmpty();
    }
}
