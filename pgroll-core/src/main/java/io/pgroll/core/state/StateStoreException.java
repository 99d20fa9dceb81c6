package io.pgroll.core.state;

import io.pgroll.core.DatabaseException;
import java.sql.SQLException;

/** A database error while reading or writing the state schema. */
public class StateStoreException extends DatabaseException {
    public StateStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
