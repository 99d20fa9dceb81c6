package io.pgroll.core.state;

import java.sql.SQLException;

/** A database error while reading or writing the state schema (as opposed to a user error, see PgRollException). */
public class StateStoreException extends RuntimeException {
    public StateStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
