package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.Status;
import io.pgroll.core.VersionPinning;
import io.pgroll.core.testing.HarnessTest;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Applications pinned to their version by {@link PgRoll#versionedDataSource}, and complete and rollback guarding them. */
class VersionPinningTest extends HarnessTest {
    private String v1;
    private String v2;
    private PGSimpleDataSource plain;

    @BeforeEach
    void setUp() {
        v1 = h.createUsers();
        h.start("02_rename", """
                {"operations":[{"rename_column":{"table":"users","from":"name","to":"full_name"}}]}""");
        v2 = h.version("02_rename");
        plain = new PGSimpleDataSource();
        plain.setURL(h.url);
        plain.setApplicationName("app");
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void eachApplicationReadsAndWritesThroughItsOwnVersion() throws SQLException {
        // tag::pinning[]
        DataSource oldApp = PgRoll.versionedDataSource(plain, v1);
        DataSource newApp = PgRoll.versionedDataSource(plain, v2);
        try (Connection o = oldApp.getConnection(); Connection n = newApp.getConnection()) {
            exec(o, "INSERT INTO users (name) VALUES ('ann')");
            exec(n, "INSERT INTO users (full_name) VALUES ('bob')");
            assertEquals("ann,bob", scalar(o, "SELECT string_agg(name, ',' ORDER BY id) FROM users"));
            assertEquals("ann,bob", scalar(n, "SELECT string_agg(full_name, ',' ORDER BY id) FROM users"));
        }
        // end::pinning[]
        try (Connection o = oldApp.getConnection()) {
            o.setAutoCommit(false);
            assertEquals("\"" + v1 + "\"", scalar(o, "SHOW search_path"));
            assertEquals("app (pgroll:" + v1 + ")", scalar(o, "SHOW application_name"));
            o.rollback();
        }
    }

    @Test
    void aReusedConnectionIsPinnedAgainAndKeepsItsName() throws SQLException {
        plain.setApplicationName("billing");
        try (Connection physical = plain.getConnection()) {
            // a pool of one: every getConnection hands out the same connection, reset as a pool would reset it
            DataSource pool = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("getConnection")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        exec(physical, "RESET search_path");
                        return physical;
                    });
            Connection c = PgRoll.versionedDataSource(pool, v1).getConnection();
            assertEquals("billing (pgroll:" + v1 + ")", scalar(c, "SHOW application_name"));
            c = PgRoll.versionedDataSource(pool, v2).getConnection();
            assertEquals("\"" + v2 + "\"", scalar(c, "SHOW search_path"));
            assertEquals("billing (pgroll:" + v2 + ")", scalar(c, "SHOW application_name"));
            c = PgRoll.versionedDataSource(pool, v2).getConnection();
            assertEquals("bob", scalar(c, "INSERT INTO users (full_name) VALUES ('bob') RETURNING full_name"));
            assertEquals("billing (pgroll:" + v2 + ")", scalar(c, "SHOW application_name"));
            // outside autocommit the settings are committed at once: the application's rollback keeps them
            physical.setAutoCommit(false);
            c = PgRoll.versionedDataSource(pool, v1).getConnection();
            c.rollback();
            assertEquals("\"" + v1 + "\"", scalar(c, "SHOW search_path"));
            c.rollback();
        }
    }

    @Test
    void theTagSurvivesTheLengthLimit() {
        String name = VersionPinning.applicationName("x".repeat(80), "public_02_rename");
        assertEquals(63, name.length());
        assertTrue(name.endsWith(" (pgroll:public_02_rename)"), name);
        assertTrue(VersionPinning.isTagged(name, "public_02_rename"));
        assertFalse(VersionPinning.isTagged(name, "public_02"));
        assertEquals("pgroll:v", VersionPinning.applicationName("", "v"));
        assertEquals("pgroll:v", VersionPinning.applicationName(null, "v"));
        String long56 = "s".repeat(56);
        assertEquals("pgroll:" + long56, VersionPinning.applicationName("app", long56));
        assertTrue(VersionPinning.isTagged("pgroll:" + "s".repeat(56), "s".repeat(60)));
    }

    @Test
    void completeIsRefusedWhileAnOldVersionSessionIsOpen() throws SQLException {
        DataSource oldApp = PgRoll.versionedDataSource(plain, v1);
        try (Connection o = oldApp.getConnection()) {
            String pid = scalar(o, "SELECT pg_backend_pid()");
            MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.complete());
            assertTrue(e.getMessage().startsWith("complete would drop version schema \"" + v1 + "\", which a session "
                    + "is pinned to: pid " + pid + " (application_name \"app (pgroll:" + v1 + ")\", client "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; nothing was changed: close or re-pin it first, then run complete "
                    + "again, or force it"), e.getMessage());
            assertEquals(Status.IN_PROGRESS, h.roll.status().status());
            assertTrue(h.schemaExists(v1));
            // a new-version session does not stand in the way
            try (Connection n = PgRoll.versionedDataSource(plain, v2).getConnection()) {
                assertEquals("0", scalar(n, "SELECT count(*) FROM users"));
                o.close();
                h.roll.complete();
            }
        }
        assertFalse(h.schemaExists(v1));
        assertEquals(Status.COMPLETE, h.roll.status().status());
    }

    @Test
    void aForcedCompleteGoesOn() throws SQLException {
        try (Connection o = PgRoll.versionedDataSource(plain, v1).getConnection()) {
            h.roll.complete(true);
            assertFalse(h.schemaExists(v1));
            assertEquals(Status.COMPLETE, h.roll.status().status());
        }
    }

    @Test
    void rollbackIsRefusedWhileANewVersionSessionIsOpen() throws SQLException {
        try (Connection n = PgRoll.versionedDataSource(plain, v2).getConnection();
             Connection o = PgRoll.versionedDataSource(plain, v1).getConnection()) {
            MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.rollback());
            assertTrue(e.getMessage().startsWith("rollback would drop version schema \"" + v2 + "\", which a session "
                    + "is pinned to: pid " + scalar(n, "SELECT pg_backend_pid()")), e.getMessage());
            assertEquals(Status.IN_PROGRESS, h.roll.status().status());
            assertTrue(h.schemaExists(v2));
            n.close();
            h.roll.rollback();
        }
        assertFalse(h.schemaExists(v2));
        assertTrue(h.schemaExists(v1));
    }

    @Test
    void aForcedRollbackGoesOn() throws SQLException {
        try (Connection n = PgRoll.versionedDataSource(plain, v2).getConnection()) {
            h.roll.rollback(true);
            assertFalse(h.schemaExists(v2));
        }
    }
}
