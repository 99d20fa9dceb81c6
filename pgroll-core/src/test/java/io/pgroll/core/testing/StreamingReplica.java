package io.pgroll.core.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A primary and a hot standby streaming from it through a physical replication slot, each its own embedded server
 * with its own data directory (the shared {@link TestPostgres} server is left alone). The embedded binaries have no
 * pg_basebackup, so the standby starts from a cold copy of the primary's data directory, taken while the primary is
 * stopped: a clean shutdown leaves a consistent directory, with no backup_label to write. Closing stops both servers
 * and removes both directories.
 */
public final class StreamingReplica implements AutoCloseable {

    /** The standby's application_name in pg_stat_replication, and the name of its slot. */
    public static final String STANDBY_NAME = "pgroll_standby";
    /** Files of a data directory that belong to the server that ran on it, not to its contents. */
    private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "epg-lock", "postmaster.opts");

    private final Path root;
    private EmbeddedPostgres primary;
    private EmbeddedPostgres standby;

    private StreamingReplica(Path root) {
        this.root = root;
    }

    /** Starts the primary, then the standby, and returns once the standby streams. */
    public static StreamingReplica start() {
        StreamingReplica pair;
        try {
            pair = new StreamingReplica(Files.createTempDirectory("pgroll-replica"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            pair.startServers();
            pair.await(pair::streaming, "the standby streaming");
            return pair;
        } catch (IOException | SQLException | RuntimeException e) {
            pair.close();
            throw new IllegalStateException("could not start a primary and its standby", e);
        }
    }

    private void startServers() throws IOException, SQLException {
        Path primaryDir = root.resolve("primary");
        Path standbyDir = root.resolve("standby");
        primary = server(primaryDir);
        try (Connection c = DriverManager.getConnection(primary.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            // reserved at once, so that the primary keeps every WAL segment from the copy's checkpoint on
            s.execute("SELECT pg_create_physical_replication_slot('" + STANDBY_NAME + "', true)");
        }
        primary.close();
        primary = null;
        copy(primaryDir, standbyDir);
        primary = server(primaryDir);
        Files.createFile(standbyDir.resolve("standby.signal"));
        // in the configuration file rather than on the command line, which the server's start script would split
        Files.writeString(standbyDir.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                + primary.getPort() + " user=postgres application_name=" + STANDBY_NAME + "'\n"
                + "primary_slot_name = '" + STANDBY_NAME + "'\n", StandardOpenOption.APPEND);
        standby = server(standbyDir);
    }

    /** A server on {@code dir}: initialised there if it is empty, kept there when it stops. */
    private static EmbeddedPostgres server(Path dir) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "off")
                .setServerConfig("wal_level", "replica")
                .setServerConfig("hot_standby", "on")
                .start();
    }

    /** Copies a stopped server's data directory, with its permissions (the server refuses a group-writable one). */
    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
                // the primary's slot would hold WAL on the standby for nobody
                return dir.getFileName().toString().equals("pg_replslot")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!NOT_COPIED.contains(file.getFileName().toString())) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The primary's database {@code db}, as user postgres. */
    public String primaryUrl(String db) {
        return primary.getJdbcUrl("postgres", db);
    }

    /** The standby's database {@code db} (read only), as user postgres. */
    public String standbyUrl(String db) {
        return standby.getJdbcUrl("postgres", db);
    }

    private boolean streaming() {
        return "streaming".equals(scalar(primaryUrl("postgres"),
                "SELECT state FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME + "'"));
    }

    /** Pauses the standby's replay and returns once it is paused; WAL still streams to it. */
    public void pauseReplay() {
        scalar(standbyUrl("postgres"), "SELECT pg_wal_replay_pause()");
        // the pause takes effect at the next record to replay; give it one
        scalar(primaryUrl("postgres"), "SELECT txid_current()");
        await(() -> "paused".equals(scalar(standbyUrl("postgres"), "SELECT pg_get_wal_replay_pause_state()")),
                "replay paused");
    }

    public void resumeReplay() {
        scalar(standbyUrl("postgres"), "SELECT pg_wal_replay_resume()");
    }

    /**
     * Returns once the standby has replayed all the WAL the primary had inserted when this was called: the servers
     * commit asynchronously (the embedded default), so the WAL written so far may end before the last commit.
     */
    public void awaitCaughtUp() {
        String lsn = scalar(primaryUrl("postgres"), "SELECT pg_current_wal_insert_lsn()::text");
        await(() -> "t".equals(scalar(standbyUrl("postgres"), "SELECT pg_last_wal_replay_lsn() >= '" + lsn
                + "'::pg_lsn")), "the standby catching up");
    }

    /** The first column of the first row of {@code sql} on {@code url}, or null when there is no row. */
    public static String scalar(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (EmbeddedPostgres server : new EmbeddedPostgres[] {standby, primary}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? new IllegalStateException("could not stop a server", e) : failure;
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            failure = failure == null ? new UncheckedIOException(e) : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
