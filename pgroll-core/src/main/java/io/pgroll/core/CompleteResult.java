package io.pgroll.core;

/**
 * What {@code complete} did.
 *
 * @param migrationName  the migration completed
 * @param versionSchema  its version schema, now the only one, or null when version schemas are disabled
 */
public record CompleteResult(String migrationName, String versionSchema) {
}
