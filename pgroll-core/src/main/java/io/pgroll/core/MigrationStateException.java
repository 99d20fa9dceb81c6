package io.pgroll.core;

/**
 * The migration state of the database forbids what was asked: a migration is already active (or none is), the
 * history does not match the local files, a baseline is needed, or objects that are not pgroll's stand in the way.
 */
public class MigrationStateException extends PgRollException {
    public MigrationStateException(String message) {
        super(message);
    }
}
