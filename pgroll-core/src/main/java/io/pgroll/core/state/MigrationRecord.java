package io.pgroll.core.state;

import java.time.OffsetDateTime;

/**
 * One row of the state schema's {@code migrations} table.
 *
 * @param schema              target schema the migration belongs to
 * @param name                migration name, unique within the target schema
 * @param migrationJson       the stored migration ({@code version_schema} and {@code operations}) as JSON text
 * @param createdAt           when the row was inserted
 * @param updatedAt           when the row was last changed (completion)
 * @param parent              name of the previous migration of the target schema, or null for the first
 * @param done                false while the migration is active (started, not completed)
 * @param resultingSchemaJson {@code read_schema} JSON: the schema at start while active, after it once done
 * @param migrationType       {@code pgroll}, {@code inferred} or {@code baseline}
 */
public record MigrationRecord(String schema, String name, String migrationJson, OffsetDateTime createdAt,
                              OffsetDateTime updatedAt, String parent, boolean done, String resultingSchemaJson,
                              String migrationType) {

    public static final String TYPE_PGROLL = "pgroll";
    public static final String TYPE_INFERRED = "inferred";
    public static final String TYPE_BASELINE = "baseline";
}
