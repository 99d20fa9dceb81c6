package io.pgroll.core.db;

import io.pgroll.core.ConnectionUrl;
import io.pgroll.core.DatabaseException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where pgroll gets its connections: a URL (each connection opened and closed) or an application's DataSource, often
 * a pool. A pool gets its connection back as it handed it out: the session settings pgroll changes (search_path,
 * lock_timeout, role, application_name, its own flags) are put back, and the connection is in autocommit mode again.
 */
public abstract sealed class Connector {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    /** Settings pgroll's sessions change, put back on a pooled connection before it returns to the pool. */
    private static final String[] SESSION_SETTINGS = {"search_path", "lock_timeout", "deadlock_timeout",
        "application_name", "pgroll.no_inferred_migrations"};

    public static Connector of(String url) {
        return new UrlConnector(url);
    }

    public static Connector of(DataSource dataSource) {
        return new PooledConnector(dataSource);
    }

    /**
     * A connection for one operation, named {@code applicationName} in pg_stat_activity and with pgroll's own DDL
     * kept out of the inferred-migration history.
     */
    public abstract Lease open(String applicationName);

    /** Where the connections come from, for messages; without a password. */
    public abstract String describe();

    /**
     * A connection held for one operation; closing it closes it or gives it back to the pool, after {@code release}.
     */
    public record Lease(Connection connection, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
            closeQuietly(connection);
        }
    }

    private static void markOurs(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // keeps our own DDL out of the inferred-migration history that the event triggers record
            st.execute("SET pgroll.no_inferred_migrations = 'TRUE'");
        }
    }

    private static final class UrlConnector extends Connector {
        private final String url;

        UrlConnector(String url) {
            this.url = url;
        }

        @Override
        public Lease open(String applicationName) {
            Properties props = new Properties();
            props.setProperty("ApplicationName", applicationName);
            try {
                Connection c = DriverManager.getConnection(ConnectionUrl.toJdbc(url), props);
                markOurs(c);
                return new Lease(c, () -> { });
            } catch (SQLException e) {
                throw new DatabaseException("could not connect to " + describe() + ": "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }

        @Override
        public String describe() {
            return ConnectionUrl.redact(url);
        }
    }

    private static final class PooledConnector extends Connector {
        private final DataSource dataSource;

        PooledConnector(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Lease open(String applicationName) {
            Connection c;
            try {
                c = dataSource.getConnection();
            } catch (SQLException e) {
                throw new DatabaseException("could not get a connection from " + describe() + ": "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
            try {
                Snapshot before = Snapshot.of(c);
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                    ps.setString(1, applicationName);
                    ps.execute();
                }
                markOurs(c);
                return new Lease(c, () -> before.restore(c));
            } catch (SQLException e) {
                closeQuietly(c);
                throw new DatabaseException("could not prepare a connection from " + describe() + ": "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }

        @Override
        public String describe() {
            return "the DataSource " + dataSource.getClass().getName();
        }
    }

    /** A pooled connection's session as pgroll found it. */
    private record Snapshot(boolean autoCommit, String role, List<String> values) {
        static Snapshot of(Connection c) throws SQLException {
            StringBuilder select = new StringBuilder("SELECT current_setting('role')");
            for (String name : SESSION_SETTINGS) {
                select.append(", current_setting(").append(Sql.literal(name)).append(", true)");
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select.toString())) {
                rs.next();
                List<String> values = new ArrayList<>();
                for (int i = 0; i < SESSION_SETTINGS.length; i++) {
                    values.add(Objects.requireNonNullElse(rs.getString(i + 2), ""));
                }
                return new Snapshot(c.getAutoCommit(), rs.getString(1), values);
            }
        }

        void restore(Connection c) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("none".equals(role) ? "RESET ROLE" : "SET ROLE " + Sql.ident(role));
                }
                for (int i = 0; i < SESSION_SETTINGS.length; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, false)")) {
                        ps.setString(1, SESSION_SETTINGS[i]);
                        ps.setString(2, values.get(i));
                        ps.execute();
                    }
                }
                c.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                // the pool decides what to do with a connection it cannot trust (most validate on return)
                LOG.warn("could not restore the session settings of a pooled connection: {}", e.getMessage());
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing useful to do when closing fails
        }
    }
}
