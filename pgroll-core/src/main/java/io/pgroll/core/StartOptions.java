package io.pgroll.core;

import java.time.Duration;

/**
 * Options of {@code start}.
 *
 * @param skipValidation  skip the validation pass (pgroll {@code --skip-validation})
 * @param batchSize       rows per backfill batch (pgroll {@code --backfill-batch-size}), or {@link #AUTO_BATCH_SIZE} to
 *                        size batches to a target duration
 * @param batchDelay      pause between backfill batches (pgroll {@code --backfill-batch-delay}, default 0)
 * @param maxReplicaLag   between backfill batches, wait while a streaming standby's replay lag exceeds this; null (the
 *                        default) never waits. Seeing the standbys takes a superuser or a member of
 *                        {@code pg_monitor}; for other roles pgroll warns once and does not wait.
 * @param maxWalRate      bytes of WAL per second that the backfill writes at most on average, sleeping after a batch
 *                        as needed; 0 (the default) for no limit
 */
public record StartOptions(boolean skipValidation, int batchSize, Duration batchDelay, Duration maxReplicaLag,
                           long maxWalRate) {

    /** Batches start at 5000 rows and adapt to take about 0.4 s each. */
    public static final int AUTO_BATCH_SIZE = 0;
    public static final int DEFAULT_BATCH_SIZE = AUTO_BATCH_SIZE;

    public StartOptions {
        if (batchSize < 0) {
            throw new PgRollException("backfill batch size must be positive, got " + batchSize);
        }
        batchDelay = batchDelay == null ? Duration.ZERO : batchDelay;
        if (maxReplicaLag != null && maxReplicaLag.isNegative()) {
            throw new PgRollException("maxReplicaLag must not be negative, got " + maxReplicaLag);
        }
        if (maxWalRate < 0) {
            throw new PgRollException("maxWalRate must not be negative, got " + maxWalRate);
        }
    }

    /** Options without backfill throttles. */
    public StartOptions(boolean skipValidation, int batchSize, Duration batchDelay) {
        this(skipValidation, batchSize, batchDelay, null, 0);
    }

    public static StartOptions defaults() {
        return new StartOptions(false, DEFAULT_BATCH_SIZE, Duration.ZERO);
    }

    /** These options with the given {@link #maxReplicaLag()}; null never waits for standbys. */
    public StartOptions withMaxReplicaLag(Duration maxReplicaLag) {
        return new StartOptions(skipValidation, batchSize, batchDelay, maxReplicaLag, maxWalRate);
    }

    /** These options with the given {@link #maxWalRate()} in bytes per second; 0 for no limit. */
    public StartOptions withMaxWalRate(long bytesPerSecond) {
        return new StartOptions(skipValidation, batchSize, batchDelay, maxReplicaLag, bytesPerSecond);
    }
}
