package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The session-level advisory lock that lets one pgroll process at a time start, complete or roll back a schema. */
final class SchemaLock {
    private static final Duration GRACE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(SchemaLock.class);

    private final StatementRunner runner;
    private final String stateSchema;
    private final String schema;

    SchemaLock(StatementRunner runner, String stateSchema, String schema) {
        this.runner = runner;
        this.stateSchema = stateSchema;
        this.schema = schema;
    }

    /**
     * Runs a start, complete or rollback while holding a session lock on the schema: a second process is turned away
     * at once, and status can tell a running start or complete from an interrupted one (whose lock went with it).
     */
    <T> T exclusively(Supplier<T> work) {
        return exclusively(GRACE, work);
    }

    /**
     * Like {@link #exclusively(Supplier)}, waiting up to {@code wait} (at least the grace period) for another process
     * to finish. The lock is re-entrant: starts and completes inside {@code work} take it again at once.
     */
    <T> T exclusively(Duration wait, Supplier<T> work) {
        if (!lockWithin(wait.compareTo(GRACE) > 0 ? wait : GRACE)) {
            throw new MigrationStateException("a migration for schema \"" + schema + "\" is already in progress: another "
                    + "pgroll process is running start, complete or rollback on it");
        }
        try {
            return work.get();
        } finally {
            unlock();
        }
    }

    void exclusively(Runnable work) {
        exclusively(() -> {
            work.run();
            return null;
        });
    }

    /**
     * The session of a process that has just died keeps the schema lock until its server backend notices the closed
     * connection (milliseconds for an idle one), so a rerun right after a crash waits at least that long.
     */
    private boolean lockWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!tryLock()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private String key() {
        return "hashtextextended(" + Sql.literal("pgroll " + stateSchema + " " + schema) + ", 0)";
    }

    boolean tryLock() {
        return "1".equals(runner.query("SELECT pg_try_advisory_lock(" + key() + ")::int").get(0).get(0));
    }

    void unlock() {
        try {
            runner.query("SELECT pg_advisory_unlock(" + key() + ")");
        } catch (RuntimeException e) {
            LOG.debug("schema lock not released ({}): it goes with the session", e.getMessage());
        }
    }
}
