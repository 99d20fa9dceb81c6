package io.pgroll.core;

import java.util.List;

/**
 * What {@code validate()} found: the local migrations agree with the history, and these are still to apply.
 *
 * @param activeMigration  the active migration, or null
 * @param pending          names of the local migrations the database has not seen, in order; the first was
 *                         validated against the live schema
 */
public record ValidateResult(String activeMigration, List<String> pending) {
    public ValidateResult {
        pending = List.copyOf(pending);
    }

    /** Whether every local migration has been applied (the last one may still be active). */
    public boolean upToDate() {
        return pending.isEmpty();
    }
}
