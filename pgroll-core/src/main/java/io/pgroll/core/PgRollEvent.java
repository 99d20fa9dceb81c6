package io.pgroll.core;

import java.time.Duration;

/** What a {@link PgRollListener} hears about, in the order it happens. */
public sealed interface PgRollEvent {

    /** The migration everything in this event is about. */
    String migrationName();

    /** A start is about to expand the schema (or to resume an interrupted start). */
    record Starting(String migrationName) implements PgRollEvent {
    }

    /** Rows of one table have been backfilled; sent after every batch. */
    record BackfillProgress(String migrationName, String table, long rowsDone, long rowsTotal)
            implements PgRollEvent {
    }

    /**
     * The backfill of a table waits between two batches because a standby lags further behind than
     * {@link StartOptions#maxReplicaLag()} allows; sent when the wait begins and about every 10 s while it lasts.
     *
     * @param reason what it waits for, e.g. {@code standby "replica1" replay lag 3.2 s > 1 s}
     */
    record BackfillWaiting(String migrationName, String table, String reason) implements PgRollEvent {
    }

    /** The backfill of a table goes on after a wait announced by {@link BackfillWaiting}. */
    record BackfillResumed(String migrationName, String table, Duration waited) implements PgRollEvent {
    }

    /** A start finished: the new version schema exists beside the old one. */
    record Started(String migrationName, StartResult result) implements PgRollEvent {
    }

    /** A complete finished: the old version is gone. */
    record Completed(String migrationName, CompleteResult result) implements PgRollEvent {
    }

    /** A rollback finished: what the start added is gone. */
    record RolledBack(String migrationName) implements PgRollEvent {
    }
}
