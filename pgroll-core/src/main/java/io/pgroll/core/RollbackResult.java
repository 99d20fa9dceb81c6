package io.pgroll.core;

/**
 * What {@code rollback} did.
 *
 * @param migrationName  the migration rolled back; it is no longer in the history
 */
public record RollbackResult(String migrationName) {
}
