package io.pgroll.core.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter for statements that hit {@code lock_timeout} (SQLSTATE 55P03): the n-th wait
 * is uniform in [0, base * 2^n), capped. Waiting a random time instead of queueing keeps a blocked DDL statement
 * from stalling every other client queued behind its lock request.
 */
public final class LockRetry {

    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private final Duration base;
    private final Duration cap;
    private final Duration giveUpAfter;

    public LockRetry(Duration base, Duration cap, Duration giveUpAfter) {
        this.base = base;
        this.cap = cap;
        this.giveUpAfter = giveUpAfter;
    }

    public static LockRetry defaults() {
        return new LockRetry(Duration.ofMillis(50), Duration.ofSeconds(30), null);
    }

    public static boolean isLockTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && LOCK_NOT_AVAILABLE.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Whether to try again after the {@code attempt}-th failure (0-based), having started at {@code startNanos}. */
    public boolean shouldRetry(long startNanos) {
        return giveUpAfter == null || System.nanoTime() - startNanos < giveUpAfter.toNanos();
    }

    public Duration delay(int attempt) {
        long ceiling = base.toMillis() << Math.min(attempt, 20);
        ceiling = Math.max(1, Math.min(ceiling, cap.toMillis()));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling));
    }
}
