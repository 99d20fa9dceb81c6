package io.pgroll.core.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server per JVM (binaries from Maven Central, version chosen by the build property
 * {@code pg.version}); every test gets its own fresh database from {@link #newDatabase()}.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "300")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }));
        }
        return server;
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, trust authentication). */
    public static String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server().getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            // Since PostgreSQL 15 a new database is copied through the WAL by default; hundreds of them leave
            // gigabytes of it for the server's shutdown to deal with, longer than the test run's fork may take to exit.
            boolean walCopy = c.getMetaData().getDatabaseMajorVersion() >= 15;
            s.execute("CREATE DATABASE " + name + (walCopy ? " STRATEGY = FILE_COPY" : ""));
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database", e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    /**
     * Creates an empty database owned by {@code owner}, a login role without superuser, CREATEDB or CREATEROLE (as a
     * managed service gives), who also owns its {@code public} schema; returns the database's URL for that role.
     */
    public static String newDatabaseOwnedBy(String owner) {
        String url = newDatabase();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + owner + "') THEN "
                    + "CREATE ROLE " + owner + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$");
            s.execute("ALTER DATABASE " + c.getCatalog() + " OWNER TO " + owner);
            s.execute("ALTER SCHEMA public OWNER TO " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a database owned by " + owner, e);
        }
        return url.replace("user=postgres", "user=" + owner);
    }

    /** JDBC URL of the server's maintenance database. */
    public static String adminUrl() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    public static Connection connect(String jdbcUrl) {
        try {
            return DriverManager.getConnection(jdbcUrl);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
