package io.pgroll.core;

import java.util.List;

/**
 * The state of one target schema as reported by {@code status}.
 *
 * @param schema  target schema
 * @param version latest version name without the schema prefix, or empty
 * @param status  {@code No migrations}, {@code In progress} or {@code Complete}
 * @param note    for a migration in progress whose start or complete has not finished: whether it is running now or
 *                was interrupted, and what to do; null otherwise
 * @param drift   when no migration is active: what changed in the schema since the last migration, outside pgroll
 *                (e.g. {@code column "note" added to table "items"}); empty when nothing did
 */
public record Status(String schema, String version, String status, String note, List<String> drift) {
    public Status {
        drift = List.copyOf(drift);
    }

    public Status(String schema, String version, String status) {
        this(schema, version, status, null, List.of());
    }

    public Status(String schema, String version, String status, String note) {
        this(schema, version, status, note, List.of());
    }

    public static final String NO_MIGRATIONS = "No migrations";
    public static final String IN_PROGRESS = "In progress";
    public static final String COMPLETE = "Complete";
}
