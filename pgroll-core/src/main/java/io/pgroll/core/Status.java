package io.pgroll.core;

/**
 * The state of one target schema as reported by {@code status}.
 *
 * @param schema  target schema
 * @param version latest version name without the schema prefix, or empty
 * @param status  {@code No migrations}, {@code In progress} or {@code Complete}
 */
public record Status(String schema, String version, String status) {
    public static final String NO_MIGRATIONS = "No migrations";
    public static final String IN_PROGRESS = "In progress";
    public static final String COMPLETE = "Complete";
}
