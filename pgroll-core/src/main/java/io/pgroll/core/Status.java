package io.pgroll.core;

/**
 * The state of one target schema as reported by {@code status}.
 *
 * @param schema  target schema
 * @param version latest version name without the schema prefix, or empty
 * @param status  {@code No migrations}, {@code In progress} or {@code Complete}
 * @param note    for a migration in progress whose start or complete has not finished: whether it is running now or
 *                was interrupted, and what to do; null otherwise
 */
public record Status(String schema, String version, String status, String note) {
    public Status(String schema, String version, String status) {
        this(schema, version, status, null);
    }

    public static final String NO_MIGRATIONS = "No migrations";
    public static final String IN_PROGRESS = "In progress";
    public static final String COMPLETE = "Complete";
}
