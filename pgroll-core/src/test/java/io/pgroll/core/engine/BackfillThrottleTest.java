package io.pgroll.core.engine;

import static io.pgroll.core.testing.StreamingReplica.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollEvent;
import io.pgroll.core.StartOptions;
import io.pgroll.core.StartResult;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.StreamingReplica;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backfill throttling against a real primary with a real hot standby streaming from it (replay paused and resumed on
 * the standby itself), and the WAL the backfill writes as the primary counts it.
 */
class BackfillThrottleTest {

    /**
     * Rows of the table whose backfill waits for the standby: in batches of 100, enough that the backfill is still
     * running when the paused standby's lag passes 500 ms (after about a quarter of them on PostgreSQL 14 to 18).
     */
    private static final int ROWS = 80_000;
    private static StreamingReplica replica;
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startServers() {
        replica = StreamingReplica.start();
    }

    @AfterAll
    static void stopServers() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void backfillWaitsWhileTheStandbyLagsAndGoesOnOnceItCatchesUp() throws Exception {
        String url = database("lag");
        List<PgRollEvent> events = new CopyOnWriteArrayList<>();
        AtomicLong resumedAt = new AtomicLong();
        PgRoll roll = PgRoll.configure().url(url).listener(event -> {
            if (event instanceof PgRollEvent.BackfillResumed) {
                resumedAt.set(System.nanoTime());
            }
            events.add(event);
        }).load();
        createItems(roll, url, "items", ROWS);
        replica.awaitCaughtUp();
        replica.pauseReplay();
        StartOptions options = new StartOptions(false, 100, Duration.ZERO).withMaxReplicaLag(Duration.ofMillis(500));
        Future<StartResult> start = background.submit(() -> roll.start(Harness.migration("02_label", """
                {"operations":[{"add_column":{"table":"items","up":"upper(name)",
                  "column":{"name":"label","type":"text"}}}]}"""), options));
        try {
            await(() -> events.stream().anyMatch(PgRollEvent.BackfillWaiting.class::isInstance),
                    "the backfill waiting");
            long doneWhenWaiting = rowsDone(events);
            String replayLag = "SELECT replay_lag::text FROM pg_stat_replication";
            String lagWhenWaiting = scalar(replica.primaryUrl("postgres"), replayLag);
            Thread.sleep(2000);
            String lagLater = scalar(replica.primaryUrl("postgres"), replayLag);
            PgRollEvent.BackfillWaiting waiting = (PgRollEvent.BackfillWaiting) events.stream()
                    .filter(PgRollEvent.BackfillWaiting.class::isInstance).findFirst().orElseThrow();
            System.out.printf("waiting after %d of %d rows: %s (pg_stat_replication.replay_lag %s, 2 s later %s)%n",
                    doneWhenWaiting, ROWS, waiting.reason(), lagWhenWaiting, lagLater);
            assertEquals("items", waiting.table());
            assertTrue(waiting.reason().startsWith("standby \"" + StreamingReplica.STANDBY_NAME + "\" replay lag "),
                    waiting.reason());
            assertTrue(doneWhenWaiting > 0 && doneWhenWaiting < ROWS, "waits between batches: " + doneWhenWaiting);
            assertEquals(doneWhenWaiting, rowsDone(events), "no batch while the standby lags");
            assertFalse(start.isDone());

            long replayResumedAt = System.nanoTime();
            replica.resumeReplay();
            start.get(30, TimeUnit.SECONDS);
            Duration waited = events.stream().filter(PgRollEvent.BackfillResumed.class::isInstance)
                    .map(e -> ((PgRollEvent.BackfillResumed) e).waited()).findFirst().orElseThrow();
            System.out.printf("the backfill waited %d ms and went on %d ms after replay was resumed%n",
                    waited.toMillis(), (resumedAt.get() - replayResumedAt) / 1_000_000);
            assertTrue(waited.compareTo(Duration.ofSeconds(2)) >= 0, "waited " + waited);
        } finally {
            replica.resumeReplay();
            start.cancel(true);
            background.shutdownNow();
        }
        roll.complete();
        replica.awaitCaughtUp();
        String standby = replica.standbyUrl("lag");
        assertEquals(String.valueOf(ROWS), scalar(standby, "SELECT count(*) FROM items WHERE label = upper(name)"));
        assertEquals("0", scalar(standby, "SELECT count(*) FROM items WHERE label IS NULL"));
    }

    @Test
    void aRoleThatCannotSeeTheStandbysIsWarnedAndNotHeldBack() throws Exception {
        String admin = database("unprivileged");
        exec(admin, "CREATE ROLE app LOGIN", "ALTER DATABASE unprivileged OWNER TO app",
                "ALTER SCHEMA public OWNER TO app");
        String url = admin.replace("user=postgres", "user=app");
        assertEquals(null, scalar(url, "SELECT state FROM pg_stat_replication"), "the role sees no positions");
        List<PgRollEvent> events = new CopyOnWriteArrayList<>();
        PgRoll roll = PgRoll.configure().url(url).listener(events::add).load();
        createItems(roll, url, "items", 5000);
        replica.pauseReplay();
        try {
            roll.start(Harness.migration("02_label", """
                    {"operations":[{"add_column":{"table":"items","up":"upper(name)",
                      "column":{"name":"label","type":"text"}}}]}"""),
                    new StartOptions(false, 100, Duration.ZERO).withMaxReplicaLag(Duration.ofMillis(1)));
        } finally {
            replica.resumeReplay();
        }
        assertTrue(events.stream().noneMatch(PgRollEvent.BackfillWaiting.class::isInstance));
    }

    @Test
    void walRateStaysWithinTheLimit() throws Exception {
        String url = database("wal");
        PgRoll roll = PgRoll.configure().url(url).load();
        createItems(roll, url, "unlimited", 15000);
        createItems(roll, url, "limited", 15000);
        long limit = 1 << 20;
        StartOptions options = new StartOptions(false, 500, Duration.ZERO);
        double[] unlimited = backfillRate(url, roll, "02_unlimited", "unlimited", options);
        roll.complete();
        double[] limited = backfillRate(url, roll, "03_limited", "limited", options.withMaxWalRate(limit));
        System.out.printf("WAL: without limit %.0f bytes in %.2f s (%.0f B/s); limit %d B/s: %.0f bytes in %.2f s "
                + "(%.0f B/s)%n", unlimited[0], unlimited[1], unlimited[0] / unlimited[1], limit, limited[0],
                limited[1], limited[0] / limited[1]);
        assertTrue(limited[0] > 2.0 * limit, "the backfill writes enough WAL to be throttled: " + limited[0]);
        assertTrue(limited[0] / limited[1] <= limit * 1.1, "WAL rate " + limited[0] / limited[1]);
        // the control: the same backfill without the limit is several times faster than the limit allows
        assertTrue(unlimited[0] / unlimited[1] > limit * 2.0, "unthrottled WAL rate " + unlimited[0] / unlimited[1]);
    }

    /** The WAL that starting {@code migration} wrote (adding a column to {@code table}), and its duration in s. */
    private static double[] backfillRate(String url, PgRoll roll, String migration, String table,
                                         StartOptions options) {
        String lsn = "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')";
        double before = Double.parseDouble(scalar(url, lsn));
        long t0 = System.nanoTime();
        roll.start(Harness.migration(migration, """
                {"operations":[{"add_column":{"table":"%s","up":"md5(name)",
                  "column":{"name":"digest","type":"text"}}}]}""".formatted(table)), options);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new double[] {Double.parseDouble(scalar(url, lsn)) - before, seconds};
    }

    /**
     * Initialises pgroll (again: it is idempotent), then creates {@code table} (id, name) by a migration and fills it
     * with {@code rows} rows.
     */
    private static void createItems(PgRoll roll, String url, String table, int rows) {
        roll.init();
        roll.start(Harness.migration("01_" + table, """
                {"operations":[{"create_table":{"name":"%s","columns":[
                  {"name":"id","type":"int","pk":true},{"name":"name","type":"text"}]}}]}""".formatted(table)));
        roll.complete();
        exec(url, "INSERT INTO " + table + " SELECT g, 'item ' || g FROM generate_series(1, " + rows + ") AS g",
                "VACUUM ANALYZE " + table);
    }

    /** A new database on the primary, as user postgres. */
    private static String database(String name) {
        exec(replica.primaryUrl("postgres"), "CREATE DATABASE " + name);
        return replica.primaryUrl(name);
    }

    private static long rowsDone(List<PgRollEvent> events) {
        return events.stream().filter(PgRollEvent.BackfillProgress.class::isInstance)
                .mapToLong(e -> ((PgRollEvent.BackfillProgress) e).rowsDone()).max().orElse(0);
    }

    private static void exec(String url, String... statements) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
