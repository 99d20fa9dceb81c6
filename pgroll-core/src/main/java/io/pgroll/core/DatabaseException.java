package io.pgroll.core;

import java.sql.SQLException;

/**
 * The database reported an error or could not be reached. The message is PostgreSQL's, with its detail and hint;
 * the statement that failed, if any, is kept for verbose output, not put in the message.
 */
public class DatabaseException extends PgRollException {
    private final String statement;

    public DatabaseException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public DatabaseException(String message, String statement, Throwable cause) {
        super(message, cause);
        this.statement = statement;
    }

    /** The SQL statement that failed, or null. */
    public String statement() {
        return statement;
    }

    /** The SQLSTATE of the underlying error, or null. */
    public String sqlState() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
        }
        return null;
    }

    /** Whether the connection to the server was lost (class 08, or the server shutting down or killing the session). */
    public boolean connectionLost() {
        String state = sqlState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }
}
