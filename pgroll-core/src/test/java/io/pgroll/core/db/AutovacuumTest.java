package io.pgroll.core.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.plan.Step;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * DDL that waits for an autovacuum worker: PostgreSQL cancels the worker only for a lock request that has waited
 * deadlock_timeout, which a short lock_timeout never reaches, so plain retries would wait for the whole vacuum.
 */
class AutovacuumTest {

    @Test
    void aStepBlockedByAutovacuumGetsItsLockInsteadOfWaitingForTheVacuumToEnd() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection admin = TestPostgres.connect(TestPostgres.adminUrl()); Statement a = admin.createStatement();
             Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            // a vacuum that sleeps 100 ms per page it reads: minutes for this table
            s.execute("CREATE TABLE slow (id int PRIMARY KEY, v text) WITH (autovacuum_vacuum_threshold = 0, "
                    + "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100, "
                    + "autovacuum_vacuum_cost_limit = 1)");
            s.execute("INSERT INTO slow SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g");
            s.execute("DELETE FROM slow WHERE id % 2 = 0");
            a.execute("ALTER SYSTEM SET autovacuum_naptime = 1");
            a.execute("SELECT pg_reload_conf()");
            try {
                awaitAutovacuumOf(s);
                s.execute("SET lock_timeout = '100ms'");
                // gives up (and fails the test) if it keeps timing out for 30 s
                StatementRunner runner = new StatementRunner(c, new LockRetry(Duration.ofMillis(50),
                        Duration.ofSeconds(1), Duration.ofSeconds(30)));
                runner.execute(Step.sql("ALTER TABLE slow ADD COLUMN w int"));
                assertEquals("1", scalar(s, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'slow'::regclass "
                        + "AND attname = 'w'"));
                assertEquals("100ms", scalar(s, "SHOW lock_timeout"), "the session's lock_timeout");
            } finally {
                a.execute("ALTER SYSTEM RESET autovacuum_naptime");
                a.execute("SELECT pg_reload_conf()");
            }
        }
    }

    private static void awaitAutovacuumOf(Statement s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (scalar(s, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
                + "AND query LIKE '%slow%'").equals("0")) {
            assertTrue(System.nanoTime() < deadline, "no autovacuum of the table started");
            Thread.sleep(100);
        }
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
