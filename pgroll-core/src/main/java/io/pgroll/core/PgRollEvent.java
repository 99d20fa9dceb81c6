package io.pgroll.core;

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
