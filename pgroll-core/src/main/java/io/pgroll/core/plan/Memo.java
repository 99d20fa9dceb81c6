package io.pgroll.core.plan;

import java.util.Optional;

/**
 * What a start notes about the database as it found it, for its rollback: a start that changes something in place
 * (a table's replica identity) saves the previous state when it changes it, and the rollback restores it. Notes live
 * as long as the active migration.
 */
public interface Memo {

    /**
     * A statement that saves the value of {@code sqlExpression} (text) under {@code key} when it runs, to run in the
     * same transaction as the change it prepares for. A value saved earlier under the same key is kept: it is the
     * older state.
     */
    String save(String key, String sqlExpression);

    /** The value the start saved under {@code key}, if it got that far. */
    Optional<String> recall(String key);

    /** For planning that never runs its steps (validation) or has nothing saved (a start by another tool). */
    Memo NONE = new Memo() {
        @Override
        public String save(String key, String sqlExpression) {
            return "SELECT (" + sqlExpression + ")";
        }

        @Override
        public Optional<String> recall(String key) {
            return Optional.empty();
        }
    };
}
