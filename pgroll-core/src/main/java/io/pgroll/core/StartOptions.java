package io.pgroll.core;

import java.time.Duration;

/**
 * Options of {@code start}.
 *
 * @param skipValidation  skip the validation pass (pgroll {@code --skip-validation})
 * @param batchSize       rows per backfill batch (pgroll {@code --backfill-batch-size}), or {@link #AUTO_BATCH_SIZE} to
 *                        size batches to a target duration
 * @param batchDelay      pause between backfill batches (pgroll {@code --backfill-batch-delay}, default 0)
 */
public record StartOptions(boolean skipValidation, int batchSize, Duration batchDelay) {

    /** Batches start at 5000 rows and adapt to take about 0.4 s each. */
    public static final int AUTO_BATCH_SIZE = 0;
    public static final int DEFAULT_BATCH_SIZE = AUTO_BATCH_SIZE;

    public StartOptions {
        if (batchSize < 0) {
            throw new PgRollException("backfill batch size must be positive, got " + batchSize);
        }
        batchDelay = batchDelay == null ? Duration.ZERO : batchDelay;
    }

    public static StartOptions defaults() {
        return new StartOptions(false, DEFAULT_BATCH_SIZE, Duration.ZERO);
    }
}
