package io.pgroll.core;

import java.time.OffsetDateTime;

/**
 * One migration of a target schema's history, oldest first in {@code history()}.
 *
 * @param name           migration name
 * @param parent         the migration before it, or null for the first
 * @param type           how it got into the history
 * @param done           false while it is active (started, not completed)
 * @param createdAt      when it was started (or recorded)
 * @param updatedAt      when it was last changed (completed)
 * @param migrationJson  the migration as pgroll stores it ({@code version_schema} and {@code operations})
 */
public record HistoryEntry(String name, String parent, Type type, boolean done, OffsetDateTime createdAt,
                           OffsetDateTime updatedAt, String migrationJson) {

    /** The kinds of migration pgroll records. */
    public enum Type {
        /** Run by pgroll from a migration file. */
        PGROLL,
        /** DDL run outside pgroll, recorded by its event triggers. */
        INFERRED,
        /** A baseline: the schema as it was counts as migrated. */
        BASELINE
    }
}
