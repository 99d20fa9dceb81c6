package io.pgroll.core;

/**
 * An error caused by the user's input or the database state (bad migration file, migration already active,
 * lock never acquired...). Its message is one line meant for the user; front ends print it without a stack trace.
 */
public class PgRollException extends RuntimeException {
    public PgRollException(String message) {
        super(message);
    }

    public PgRollException(String message, Throwable cause) {
        super(message, cause);
    }
}
