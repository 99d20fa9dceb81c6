package io.pgroll.core;

/**
 * How {@code migrate} applies the pending migrations; {@link #defaults()} is pgroll's {@code migrate}: every pending
 * migration is started and completed, except the last, which is left active so that old and new clients both work.
 *
 * @param complete   complete the last migration too (pgroll {@code migrate --complete})
 * @param expectOne  refuse, changing nothing, unless exactly one migration is pending
 * @param force      complete even while sessions are pinned to the version a complete drops
 */
public record MigrateOptions(boolean complete, boolean expectOne, boolean force) {

    public static MigrateOptions defaults() {
        return new MigrateOptions(false, false, false);
    }

    /** These options, completing the last migration too. */
    public MigrateOptions completing() {
        return new MigrateOptions(true, expectOne, force);
    }

    /** These options, refusing unless exactly one migration is pending. */
    public MigrateOptions expectingOne() {
        return new MigrateOptions(complete, true, force);
    }

    /** These options, completing even while sessions use the version a complete drops. */
    public MigrateOptions forced() {
        return new MigrateOptions(complete, expectOne, true);
    }
}
