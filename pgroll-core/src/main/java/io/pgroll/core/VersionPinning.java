package io.pgroll.core;

import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Names;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Pins an application's connections to one version schema, and tags them so that {@code complete} and
 * {@code rollback} can see who still uses a version (see {@link PgRoll#versionedDataSource}).
 *
 * <p>The tag is {@code pgroll:<versionSchema>} in {@code application_name}: a session's {@code search_path} is not
 * visible to other sessions (not in {@code pg_stat_activity}), so the tag is the only signal pgroll has. A connection
 * that sets its search_path by hand, without the tag, is not seen.
 */
public final class VersionPinning {
    /** PostgreSQL keeps at most this many bytes of application_name, as of an identifier (NAMEDATALEN - 1). */
    static final int MAX_APPLICATION_NAME_BYTES = Names.MAX_IDENTIFIER_BYTES;
    private static final String TAG_PREFIX = "pgroll:";

    private VersionPinning() {
    }

    /** The tag of a version schema, as it appears in application_name: {@code pgroll:<versionSchema>}. */
    public static String tag(String versionSchema) {
        return TAG_PREFIX + versionSchema;
    }

    /**
     * The application_name of a connection pinned to {@code versionSchema} whose name was {@code existing}: the bare
     * tag when there was none, else {@code <existing> (pgroll:<versionSchema>)}, with an earlier tag of ours taken off
     * first (a pooled connection pinned again) and {@code existing} shortened so that the tag survives PostgreSQL's
     * 63-byte limit. A tag longer than the limit by itself (a version schema name of more than 56 bytes) is cut.
     */
    public static String applicationName(String existing, String versionSchema) {
        String tag = tag(versionSchema);
        String base = untagged(existing == null ? "" : existing);
        String suffix = " (" + tag + ")";
        int room = MAX_APPLICATION_NAME_BYTES - bytes(suffix);
        if (base.isEmpty() || room <= 0) {
            return Names.clip(tag, MAX_APPLICATION_NAME_BYTES);
        }
        return Names.clip(base, room) + suffix;
    }

    /** Whether an application_name, as the server keeps it, carries the tag of {@code versionSchema}. */
    public static boolean isTagged(String applicationName, String versionSchema) {
        if (applicationName == null) {
            return false;
        }
        String tag = tag(versionSchema);
        return applicationName.equals(Names.clip(tag, MAX_APPLICATION_NAME_BYTES))
                || applicationName.endsWith(" (" + tag + ")");
    }

    /** {@code name} without a tag this class added to it. */
    private static String untagged(String name) {
        if (name.startsWith(TAG_PREFIX)) {
            return "";
        }
        int at = name.lastIndexOf(" (" + TAG_PREFIX);
        return at >= 0 && name.endsWith(")") ? name.substring(0, at) : name;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Sets the connection's search_path to {@code versionSchema} alone and tags its application_name. When the
     * connection is not in autocommit mode the settings are committed at once, so that a later rollback of the
     * application's transaction does not undo them (the connection was just handed out: nothing else is pending).
     */
    public static Connection pin(Connection c, String versionSchema) throws SQLException {
        // one round trip when a pool hands the connection out again: its name already carries the tag
        String current;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT current_setting('application_name'), set_config('search_path', ?, false)")) {
            ps.setString(1, Sql.ident(versionSchema));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                current = rs.getString(1);
            }
        }
        String tagged = applicationName(current, versionSchema);
        if (!tagged.equals(current)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                ps.setString(1, tagged);
                ps.executeQuery().close();
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return c;
    }

    /** A DataSource whose connections {@link #pin} pins, on every {@code getConnection}. */
    static DataSource dataSource(DataSource delegate, String versionSchema) {
        return new Pinned(Objects.requireNonNull(delegate, "delegate"), Objects.requireNonNull(versionSchema,
                "versionSchema"));
    }

    private record Pinned(DataSource delegate, String versionSchema) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return pinOrClose(delegate.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return pinOrClose(delegate.getConnection(username, password));
        }

        private Connection pinOrClose(Connection c) throws SQLException {
            try {
                return pin(c, versionSchema);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || delegate.isWrapperFor(iface);
        }
    }
}
