package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.Triggers;
import io.pgroll.core.state.MigrationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the active migration (contract): drops the previous version schema and runs the operations' complete
 * steps journaled, so that an interrupted complete resumes where it stopped.
 */
final class CompleteRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CompleteRunner.class);

    private final EngineContext engine;

    CompleteRunner(EngineContext engine) {
        this.engine = engine;
    }

    /**
     * The complete's steps: the previous version schema goes, then each operation's complete, then the direction
     * function. Plans on {@code replay}'s context.
     */
    static List<Step> steps(EngineContext engine, Migration m, Replay replay) {
        PlanContext ctx = replay.ctx();
        List<Step> steps = new ArrayList<>();
        // The previous version goes first, so that its views stop pinning what the operations drop. It is looked up
        // when the step runs, so that the step list is the same when an interrupted complete is resumed.
        steps.add(Step.sql("DO $pgroll$\nDECLARE\n  previous text := " + Sql.qualified(engine.config().stateSchema(),
                "previous_version") + "(" + Sql.literal(engine.schema()) + ");\nBEGIN\n  IF previous IS NOT NULL THEN\n"
                + "    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', " + Sql.literal(engine.schema() + "_")
                + " || previous);\n  END IF;\nEND;\n$pgroll$"));
        for (int i = 0; i < m.operations().size(); i++) {
            ctx.resolveNamesAs(replay.names().get(i));
            m.operations().get(i).complete(ctx);
            steps.addAll(ctx.drainSteps());
        }
        steps.add(Step.sql(Triggers.dropDirectionFunction(engine.schema())));
        return steps;
    }

    /**
     * The caller holds the schema lock. Unless {@code force}, refused while a session is pinned to the previous
     * version (see {@link PinnedSessions}). Returns the migration completed.
     */
    Migration run(boolean force) {
        MigrationRecord active = engine.requireActive();
        Journal journal = engine.journal(active.name());
        Optional<Journal.Entry> entry = journal.read();
        if (entry.isEmpty() || entry.get().phase() == Journal.Phase.STARTING) {
            throw new MigrationStateException("the start of migration \"" + active.name() + "\" did not finish; "
                    + "start it again to resume, or roll it back");
        }
        boolean resuming = entry.get().phase() == Journal.Phase.COMPLETING;
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        Replay replay = Replay.of(engine, m, active, engine.catalog());
        PlanContext ctx = replay.ctx();
        List<Step> steps = steps(engine, m, replay);
        int resumeAt = resuming ? entry.get().stepsDone() : -1;
        if (!resuming) {
            // Before anything changes: a complete that stopped halfway would leave old clients without their version
            // and the migration impossible to roll back.
            Optional<String> previous = engine.state().previousVersion(engine.schema())
                    .map(v -> engine.schema() + "_" + v);
            previous.ifPresent(engine.dependents()::requireOnlyViews);
            if (!force) {
                previous.ifPresent(vs -> engine.pinnedSessions().requireNone("complete", vs));
            }
            List<String> versionSchemas = new ArrayList<>(List.of(engine.versionSchema(m)));
            previous.ifPresent(versionSchemas::add);
            engine.dependents().requireNone("complete", ctx, versionSchemas);
            journal.begin(Journal.Phase.COMPLETING);
        } else {
            LOG.info("resuming the interrupted complete of {}", m.name());
        }
        engine.runJournaled(steps, steps.size(), journal, new int[] {Math.max(resumeAt, 0)}, resumeAt);
        if (engine.config().useVersionSchema() && m.operations().stream().anyMatch(RawSql.class::isInstance)) {
            engine.runner().execute(engine.viewSteps(engine.liveSchema(), engine.versionSchema(m)));
        }
        engine.state().markCompleted(engine.schema(), m.name());
        journal.delete();
        return m;
    }
}
