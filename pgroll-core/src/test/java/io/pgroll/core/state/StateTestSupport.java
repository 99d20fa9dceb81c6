package io.pgroll.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Connections and small SQL helpers for the state store tests. */
final class StateTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private StateTestSupport() {
    }

    /** A connection marked like pgroll's own sessions, so its DDL is not recorded as an inferred migration. */
    static Connection connect(String url) throws SQLException {
        Connection c = TestPostgres.connect(url);
        exec(c, "SET pgroll.no_inferred_migrations = 'TRUE'");
        return c;
    }

    /** A plain connection, as an application or a DBA would have. */
    static Connection connectPlain(String url) {
        return TestPostgres.connect(url);
    }

    /** The same database URL with another user (the embedded server trusts everyone). */
    static String asUser(String url, String user) {
        if (!url.contains("user=postgres")) {
            throw new IllegalStateException("unexpected JDBC URL " + url);
        }
        return url.replace("user=postgres", "user=" + user);
    }

    /** The URL of another database of the same server. */
    static String database(String url, String database) {
        return url.replaceFirst("/[^/?]+\\?", "/" + database + "?");
    }

    static void exec(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static String one(Connection c, String sql) throws SQLException {
        List<List<String>> rows = rows(c, sql);
        if (rows.size() != 1) {
            throw new IllegalStateException("expected one row from " + sql + " but got " + rows);
        }
        return rows.get(0).get(0);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
