package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.Triggers;
import io.pgroll.core.state.MigrationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** Rolls back the active migration, or the part of a start that failed. */
final class RollbackRunner {
    private final EngineContext engine;

    RollbackRunner(EngineContext engine) {
        this.engine = engine;
    }

    /**
     * The caller holds the schema lock. Unless {@code force}, refused while a session is pinned to the version schema
     * it drops (see {@link PinnedSessions}). Returns the migration rolled back.
     */
    Migration run(boolean force) {
        MigrationRecord active = engine.requireActive();
        engine.journal(active.name()).read().filter(e -> e.phase() == Journal.Phase.COMPLETING).ifPresent(e -> {
            throw new MigrationStateException("migration \"" + active.name() + "\" is being completed (an earlier "
                    + "complete was interrupted) and can no longer be rolled back: run complete again to finish it");
        });
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        if (!force && ownsVersionSchema(m)) {
            engine.pinnedSessions().requireNone("rollback", engine.versionSchema(m));
        }
        Replay replay = Replay.of(engine, m, active, Catalog.OFFLINE);
        rollBack(m, replay, IntStream.range(0, m.operations().size()).boxed().toList());
        return m;
    }

    /**
     * The rollback's steps: the version schema (when {@code ownVersionSchema}), the given operations' undo (indexes,
     * in the order they started) last first, then the direction function their triggers shared.
     */
    static List<Step> steps(EngineContext engine, Migration m, Replay replay, List<Integer> operations,
                            boolean ownVersionSchema) {
        List<Step> steps = new ArrayList<>();
        if (ownVersionSchema) {
            steps.add(Step.sql("DROP SCHEMA IF EXISTS " + Sql.ident(engine.versionSchema(m)) + " CASCADE"));
        }
        for (int i = operations.size() - 1; i >= 0; i--) {
            int op = operations.get(i);
            replay.ctx().resolveNamesAs(replay.names().get(op));
            m.operations().get(op).rollback(replay.ctx());
            steps.addAll(replay.ctx().drainSteps());
        }
        steps.add(Step.sql(Triggers.dropDirectionFunction(engine.schema())));
        return steps;
    }

    /** Whether the start of {@code m} created its version schema (and a rollback drops it). */
    private boolean ownsVersionSchema(Migration m) {
        Optional<Journal.Entry> entry = engine.journal(m.name()).read();
        // A start by the Go tool keeps no journal; its version schema is its own.
        return entry.isEmpty() || entry.get().memo().has(StartRunner.VERSION_SCHEMA_CREATED);
    }

    /**
     * Drops the version schema (if this start created it), rolls back the given operations (indexes, in the order they
     * started) last first, drops the direction function their triggers shared, and forgets the active migration.
     * Nothing changes when a user's object depends on what would be dropped.
     */
    void rollBack(Migration m, Replay replay, List<Integer> operations) {
        String vs = engine.versionSchema(m);
        boolean ownVersionSchema = ownsVersionSchema(m);
        List<Step> steps = steps(engine, m, replay, operations, ownVersionSchema);
        if (ownVersionSchema) {
            engine.dependents().requireOnlyViews(vs);
        }
        engine.dependents().requireNone("rollback", replay.ctx(), ownVersionSchema ? List.of(vs) : List.of());
        engine.runner().execute(steps);
        engine.state().deleteActive(engine.schema(), m.name());
    }
}
