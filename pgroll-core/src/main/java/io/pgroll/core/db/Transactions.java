package io.pgroll.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/** Work that must leave nothing behind: catalog reads, probes, plans. */
public final class Transactions {

    /** Work on a statement of the connection; it may throw what JDBC throws. */
    public interface Work<T> {
        T run(Statement s) throws SQLException;
    }

    private Transactions() {
    }

    /**
     * Runs {@code work} in a transaction that is always rolled back, opened with {@code SET TRANSACTION <mode>} when
     * {@code mode} is not null (e.g. {@code READ ONLY}); within a transaction already open, in a savepoint rolled back
     * to instead (the open transaction keeps its own mode). The connection's autocommit setting is restored.
     */
    public static <T> T rolledBack(Connection connection, String mode, Work<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            Savepoint savepoint = connection.setSavepoint();
            try (Statement s = connection.createStatement()) {
                return work.run(s);
            } finally {
                connection.rollback(savepoint);
            }
        }
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            if (mode != null) {
                s.execute("SET TRANSACTION " + mode);
            }
            return work.run(s);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }
}
