package io.pgroll.core;

import java.time.Duration;

/**
 * How {@code migrate} applies the pending migrations; {@link #defaults()} is pgroll's {@code migrate}: every pending
 * migration is started and completed, except the last, which is left active so that old and new clients both work.
 *
 * @param complete   complete the last migration too (pgroll {@code migrate --complete})
 * @param expectOne  refuse, changing nothing, unless exactly one migration is pending
 * @param force      complete even while sessions are pinned to the version a complete drops
 * @param lockWait   how long to wait while another process migrates the schema before giving up; pgroll's
 *                   {@code migrate} gives up at once (after a second's grace), which suits a command line, while
 *                   application instances starting together should wait and then find the work done
 */
public record MigrateOptions(boolean complete, boolean expectOne, boolean force, Duration lockWait) {

    public MigrateOptions {
        lockWait = lockWait == null ? Duration.ZERO : lockWait;
        if (lockWait.isNegative()) {
            throw new PgRollException("the lock wait must not be negative, got " + lockWait);
        }
    }

    public static MigrateOptions defaults() {
        return new MigrateOptions(false, false, false, Duration.ZERO);
    }

    /** These options, completing the last migration too. */
    public MigrateOptions completing() {
        return new MigrateOptions(true, expectOne, force, lockWait);
    }

    /** These options, refusing unless exactly one migration is pending. */
    public MigrateOptions expectingOne() {
        return new MigrateOptions(complete, true, force, lockWait);
    }

    /** These options, completing even while sessions use the version a complete drops. */
    public MigrateOptions forced() {
        return new MigrateOptions(complete, expectOne, true, lockWait);
    }

    /** These options, waiting up to {@code wait} for another process's migration of the schema to finish. */
    public MigrateOptions waitingForLock(Duration wait) {
        return new MigrateOptions(complete, expectOne, force, wait);
    }
}
