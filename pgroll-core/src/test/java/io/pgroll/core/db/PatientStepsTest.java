package io.pgroll.core.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.plan.Step;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A short lock_timeout keeps clients from queueing behind a waiting DDL statement; statements whose lock lets clients
 * read and write go on waiting instead, so that a concurrent index build is not thrown away and redone.
 */
class PatientStepsTest {

    /** Retries nothing: a lock timeout fails the step at once. */
    private static final LockRetry NO_RETRY = new LockRetry(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO);

    @Test
    void stepsThatLetClientsWriteAreTheOnlyPatientOnes() {
        assertTrue(StatementRunner.queuesNoClient(Step.outsideTransaction(
                "CREATE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" (\"a\")", null)));
        assertTrue(StatementRunner.queuesNoClient(Step.sql("ALTER TABLE \"t\" VALIDATE CONSTRAINT \"c\"")));
        assertTrue(StatementRunner.queuesNoClient(Step.sql("DROP INDEX CONCURRENTLY \"i\"")));
        assertFalse(StatementRunner.queuesNoClient(Step.sql("ALTER TABLE \"t\" ADD COLUMN \"b\" int")));
        assertFalse(StatementRunner.queuesNoClient(Step.sql("CREATE INDEX \"i\" ON \"t\" (\"a\")")));
        assertFalse(StatementRunner.queuesNoClient(Step.sql("ALTER TABLE \"t\" VALIDATE CONSTRAINT \"c\"",
                "ALTER TABLE \"t\" ALTER COLUMN \"a\" SET NOT NULL")));
        assertFalse(StatementRunner.queuesNoClient(Step.sql("DO $$ BEGIN PERFORM 1; END $$")));
        assertFalse(StatementRunner.queuesNoClient(Step.sql("UPDATE \"t\" SET \"a\" = 1")));
    }

    @Test
    void aConcurrentIndexBuildOutwaitsAnOldTransactionUnderAShortLockTimeout() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement();
             Connection reader = TestPostgres.connect(url); Statement r = reader.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, a int)");
            s.execute("INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g");
            s.execute("SET lock_timeout = '50ms'");
            StatementRunner runner = new StatementRunner(c, NO_RETRY);

            // a blocking statement still gives up after 50 ms while a client holds the table
            reader.setAutoCommit(false);
            r.execute("SELECT count(*) FROM t");
            assertThrows(StatementRunner.SqlFailure.class,
                    () -> runner.execute(Step.sql("ALTER TABLE t ADD COLUMN b int")));
            reader.commit();

            // a concurrent index build waits for the older snapshot (1.5 s) and is built once
            CountDownLatch open = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (Connection old = TestPostgres.connect(url); Statement o = old.createStatement()) {
                    old.setAutoCommit(false);
                    o.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    o.execute("SELECT txid_current()");
                    open.countDown();
                    Thread.sleep(1500);
                    old.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            holder.start();
            open.await();
            long t0 = System.nanoTime();
            runner.execute(Step.outsideTransaction("CREATE INDEX CONCURRENTLY t_a ON t (a)", "DROP INDEX IF EXISTS t_a"));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            holder.join();
            assertTrue(waitedMs >= 1000, "the build should have waited for the old transaction, took " + waitedMs);
            assertEquals("t", scalar(s, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a'::regclass"));
            assertEquals("50ms", scalar(s, "SHOW lock_timeout"), "the session's lock_timeout");
        }
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
