package io.pgroll.core;

/**
 * Hears about the phases of the migrations pgroll runs and the backfill's progress, as pgroll's hooks or Flyway's
 * callbacks do. Called on the thread running the migration, while the schema lock is held: keep it short. An
 * exception it throws is logged and otherwise ignored: a listener cannot break a migration halfway.
 */
@FunctionalInterface
public interface PgRollListener {

    /** Hears nothing. */
    PgRollListener NONE = event -> { };

    void onEvent(PgRollEvent event);
}
