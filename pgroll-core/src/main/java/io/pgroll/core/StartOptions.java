package io.pgroll.core;

import java.time.Duration;

/**
 * Options of {@code start}.
 *
 * @param skipValidation  skip the validation pass (pgroll {@code --skip-validation})
 * @param batchSize       rows per backfill batch (pgroll {@code --backfill-batch-size}), or {@link #AUTO_BATCH_SIZE} to
 *                        size batches to {@code batchTarget}
 * @param batchDelay      pause between backfill batches (pgroll {@code --backfill-batch-delay}, default 0)
 * @param batchTarget     how long an adaptively sized batch should take ({@code --backfill-batch-target}, default
 *                        {@link #DEFAULT_BATCH_TARGET}): a client writing a row the batch holds waits up to this long
 * @param maxReplicaLag   between backfill batches, wait while a streaming standby's replay lag exceeds this; null (the
 *                        default) never waits. Seeing the standbys takes a superuser or a member of
 *                        {@code pg_monitor}; for other roles pgroll warns once and does not wait.
 * @param maxWalRate      bytes of WAL per second that the backfill writes at most on average, sleeping after a batch
 *                        as needed; 0 (the default) for no limit
 */
public record StartOptions(boolean skipValidation, int batchSize, Duration batchDelay, Duration batchTarget,
                           Duration maxReplicaLag, long maxWalRate) {

    /** Batches start at 5000 rows and adapt to take about {@code batchTarget} each. */
    public static final int AUTO_BATCH_SIZE = 0;
    public static final int DEFAULT_BATCH_SIZE = AUTO_BATCH_SIZE;
    /**
     * Chosen from the benchmark (bench/run): a 50 ms batch keeps a client waiting on a row of the batch well under
     * 100 ms, and the per-batch overhead (finding the next key range, one commit) stays a few per cent of the batch.
     */
    public static final Duration DEFAULT_BATCH_TARGET = Duration.ofMillis(50);

    public StartOptions {
        if (batchSize < 0) {
            throw new PgRollException("backfill batch size must be positive, got " + batchSize);
        }
        batchDelay = batchDelay == null ? Duration.ZERO : batchDelay;
        batchTarget = batchTarget == null ? DEFAULT_BATCH_TARGET : batchTarget;
        if (batchTarget.isNegative() || batchTarget.isZero()) {
            throw new PgRollException("backfill batch target must be positive, got " + batchTarget.toMillis() + " ms");
        }
        if (maxReplicaLag != null && maxReplicaLag.isNegative()) {
            throw new PgRollException("maxReplicaLag must not be negative, got " + maxReplicaLag);
        }
        if (maxWalRate < 0) {
            throw new PgRollException("maxWalRate must not be negative, got " + maxWalRate);
        }
    }

    /** Options with the default batch target and without backfill throttles. */
    public StartOptions(boolean skipValidation, int batchSize, Duration batchDelay) {
        this(skipValidation, batchSize, batchDelay, DEFAULT_BATCH_TARGET, null, 0);
    }

    public static StartOptions defaults() {
        return new StartOptions(false, DEFAULT_BATCH_SIZE, Duration.ZERO);
    }

    /** These options with another target duration for adaptively sized batches. */
    public StartOptions withBatchTarget(Duration target) {
        return new StartOptions(skipValidation, batchSize, batchDelay, target, maxReplicaLag, maxWalRate);
    }

    /** These options with the given {@link #maxReplicaLag()}; null never waits for standbys. */
    public StartOptions withMaxReplicaLag(Duration maxReplicaLag) {
        return new StartOptions(skipValidation, batchSize, batchDelay, batchTarget, maxReplicaLag, maxWalRate);
    }

    /** These options with the given {@link #maxWalRate()} in bytes per second; 0 for no limit. */
    public StartOptions withMaxWalRate(long bytesPerSecond) {
        return new StartOptions(skipValidation, batchSize, batchDelay, batchTarget, maxReplicaLag, bytesPerSecond);
    }
}
