package io.pgroll.core.engine;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.StartResult;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Grants;
import io.pgroll.core.plan.Memo;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.StartSchedule;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.state.MigrationRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a migration (expand), or resumes its interrupted start: plans the operations, runs their steps journaled,
 * backfills, and builds the version schema; a start that fails after it was recorded is undone.
 */
final class StartRunner {
    /** Memo key noting that the start created its version schema (rollback drops only a schema it created). */
    static final String VERSION_SCHEMA_CREATED = "version schema";

    private static final Logger LOG = LoggerFactory.getLogger(StartRunner.class);

    private final EngineContext engine;
    private final RollbackRunner rollback;

    StartRunner(EngineContext engine, RollbackRunner rollback) {
        this.engine = engine;
        this.rollback = rollback;
    }

    /** The caller holds the schema lock. */
    StartResult run(Migration m, StartOptions options, Backfill.Progress progress) {
        Optional<MigrationRecord> active = engine.state().activeMigration(engine.schema());
        if (active.isPresent()) {
            Optional<Journal.Entry> entry = engine.journal(active.get().name()).read();
            boolean interrupted = entry.isEmpty() || entry.get().phase() == Journal.Phase.STARTING;
            if (interrupted && active.get().name().equals(m.name())) {
                requireSameOperations(active.get(), m);
                LOG.info("resuming the interrupted start of {}", m.name());
                return runStart(m, active.get().resultingSchemaJson(), entry.orElse(null), options, progress, List.of());
            }
            throw new MigrationStateException("a migration for schema \"" + engine.schema() + "\" is already in "
                    + "progress (\"" + active.get().name() + "\"" + (interrupted ? ", its start was interrupted: start "
                    + "it again to resume, or roll it back" : "; complete or roll it back first") + ")");
        }
        String baseJson = engine.state().readSchema(engine.schema());
        List<String> drift = engine.drift(baseJson);
        Schema base = Schema.fromJson(engine.schema(), baseJson);
        requireHistoryOrEmpty(base);
        if (!options.skipValidation()) {
            engine.validator().validate(m, base.copy());
        }
        engine.state().insertStarted(engine.schema(), m.name(), MigrationWriter.toJson(m), baseJson);
        engine.journal(m.name()).begin(Journal.Phase.STARTING);
        return runStart(m, baseJson, null, options, progress, drift);
    }

    private void requireSameOperations(MigrationRecord active, Migration m) {
        Migration stored = MigrationWriter.fromJson(active.name(), active.migrationJson());
        if (!stored.operations().equals(m.operations())) {
            throw new MigrationStateException("migration \"" + m.name() + "\" is active with different operations than the "
                    + "file; roll it back before starting the changed file");
        }
    }

    /** @param drift what changed outside pgroll before this start, for the result */
    private StartResult runStart(Migration m, String baseJson, Journal.Entry resumeFrom, StartOptions options,
                                 Backfill.Progress progress, List<String> drift) {
        String vs = engine.versionSchema(m);
        Journal journal = engine.journal(m.name());
        PlanContext ctx = new PlanContext(Schema.fromJson(engine.schema(), baseJson), engine.schema(), vs,
                engine.catalog(), journal.memo());
        List<List<StartSchedule.Planned>> planned = new ArrayList<>();
        List<Schema.NameSnapshot> names = new ArrayList<>();
        StartSchedule schedule = null;
        int[] stepsDone = {resumeFrom == null ? 0 : resumeFrom.stepsDone()};
        int resumeAt = resumeFrom == null ? -1 : resumeFrom.stepsDone();
        long backfilled = 0;
        Duration backfillTime;
        try {
            Map<String, Derived> created = new HashMap<>();
            for (int i = 0; i < m.operations().size(); i++) {
                Operation op = m.operations().get(i);
                planOperation(m, i, ctx, baseJson);
                names.add(ctx.schema().snapshotNames());
                planned.add(ctx.drainPlanned());
                List<Derived> derived = ctx.drainDerived();
                if (resumeFrom == null) {
                    // also with --skip-validation: the names are pgroll's, and taking over an object is never wanted
                    engine.validator().requireFree(m.name(), i, op, derived, created);
                }
            }
            schedule = StartSchedule.of(planned);
            List<Step> steps = new ArrayList<>(schedule.plainSteps());
            engine.runJournaled(steps, schedule.backfillAt(), journal, stepsDone, resumeAt);
            Backfill backfill = new Backfill(engine.runner(), engine.schema(), options, progress, journal);
            Map<String, List<TriggerSpec>> ups = upTriggersByTable(ctx.triggers());
            long backfillStart = System.nanoTime();
            for (Map.Entry<String, List<TriggerSpec>> table : ups.entrySet()) {
                backfilled += backfill.run(table.getKey(), table.getValue(),
                        resumeFrom == null ? null : resumeFrom.backfill().get(table.getKey()));
            }
            engine.runJournaled(steps, schedule.catchUpAt(), journal, stepsDone, resumeAt);
            if (schedule.triggersAfterBackfill()) {
                ups.forEach(backfill::catchUp);
            }
            backfillTime = Duration.ofNanos(System.nanoTime() - backfillStart);
            engine.runJournaled(steps, steps.size(), journal, stepsDone, resumeAt);
            // Last, so that the new version's clients only ever see filled columns, and write with the triggers on.
            // Journaled like the other steps, so that a resumed start knows the version schema is its own.
            if (engine.config().useVersionSchema()) {
                Schema current = ctx.schema();
                if (m.operations().stream().anyMatch(op -> op instanceof RawSql sql && sql.isolated())) {
                    current = engine.liveSchema();
                }
                steps.addAll(versionSchemaSteps(engine, m, current, journal.memo()));
                engine.runJournaled(steps, steps.size(), journal, stepsDone, resumeAt);
            }
            journal.enter(Journal.Phase.STARTED);
        } catch (RuntimeException e) {
            throw failedStart(m, e, new Replay(ctx, names), schedule, stepsDone[0]);
        }
        return new StartResult(m.name(), engine.config().useVersionSchema() ? vs : null, backfilled, backfillTime,
                drift);
    }

    /**
     * Plans one operation. A failure here (with --skip-validation, an operation can meet a table that is not there)
     * is reported as validation would have reported it.
     */
    private void planOperation(Migration m, int index, PlanContext ctx, String baseJson) {
        Operation op = m.operations().get(index);
        try {
            op.start(ctx);
        } catch (PgRollException e) {
            throw e;
        } catch (RuntimeException e) {
            try {
                engine.validator().validate(m, Schema.fromJson(engine.schema(), baseJson));
            } catch (MigrationFileException invalid) {
                throw invalid;
            } catch (RuntimeException ignored) {
                // validation could not say more than the failure itself
            }
            throw new MigrationFileException(m.name(), "operations[" + index + "]." + op.key(),
                    "cannot be planned: " + e, e);
        }
    }

    /**
     * Undoes a start that failed after it was recorded and returns the error to report: one line saying what failed
     * and whether the database is as it was. Only operations that changed something are undone: one none of whose
     * steps ran changed nothing (steps are atomic), and undoing it could remove what it found in place (create_table
     * of an existing table). A lost connection leaves nothing to undo with: the start resumes when run again.
     */
    private PgRollException failedStart(Migration m, RuntimeException e, Replay replay, StartSchedule schedule,
                                        int stepsDone) {
        String failure = "failed to start migration \"" + m.name() + "\": " + e.getMessage();
        if (e instanceof DatabaseException db && db.connectionLost()) {
            return new DatabaseException(failure + "; the connection to the database was lost: run start again to "
                    + "resume, or rollback", db.statement(), e);
        }
        List<Integer> changed = schedule == null ? List.of() : schedule.steps()
                .subList(0, Math.min(stepsDone, schedule.steps().size())).stream()
                .map(StartSchedule.Scheduled::operation).distinct().sorted().toList();
        String undo = undoStart(m, replay, changed);
        String message = failure + (undo == null ? "; changes rolled back" : "; the changes could not be rolled back ("
                + undo + "): run start again to resume, or rollback");
        return e instanceof DatabaseException db ? new DatabaseException(message, db.statement(), e)
                : e instanceof MigrationFileException file ? new MigrationFileException(file.file(), file.path(),
                file.detail() + (undo == null ? "; changes rolled back" : "; rollback failed: " + undo), e)
                : new PgRollException(message, e);
    }

    static Map<String, List<TriggerSpec>> upTriggersByTable(List<TriggerSpec> triggers) {
        Map<String, List<TriggerSpec>> byTable = new LinkedHashMap<>();
        triggers.stream().filter(t -> t.direction() == TriggerSpec.Direction.UP)
                .forEach(t -> byTable.computeIfAbsent(t.physicalTable(), k -> new ArrayList<>()).add(t));
        return byTable;
    }

    /** Rolls back the given operations (their rollback is safe on a partial start); returns the error if that failed. */
    private String undoStart(Migration m, Replay replay, List<Integer> changed) {
        replay.ctx().drainSteps();
        try {
            rollback.rollBack(m, replay, changed);
            return null;
        } catch (RuntimeException undo) {
            LOG.error("could not undo the failed start of {}: {}", m.name(), undo.getMessage());
            return undo.getMessage();
        }
    }

    private void requireHistoryOrEmpty(Schema live) {
        if (!engine.state().hasHistory(engine.schema()) && !live.visibleTables().isEmpty()) {
            throw new MigrationStateException("schema \"" + engine.schema() + "\" has existing tables but no migration "
                    + "history - baseline required: record the schema as it is with 'pgroll baseline <version> <dir>'");
        }
    }

    /** The steps that create the version schema of {@code m} over {@code current}, and grant on the previous one. */
    static List<Step> versionSchemaSteps(EngineContext engine, Migration m, Schema current, Memo memo) {
        String vs = engine.versionSchema(m);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.sql("CREATE SCHEMA " + Sql.ident(vs), memo.save(VERSION_SCHEMA_CREATED, Sql.literal(vs))));
        steps.addAll(engine.viewSteps(current, vs));
        // The previous version stays live until complete, and was made by an older run or another tool that
        // granted nothing, or before the clients' roles were granted their table privileges.
        previousVersionSchema(engine, m).ifPresent(p -> steps.add(Step.sql(Grants.toVersionSchema(engine.schema(), p))));
        return steps;
    }

    /** The version schema that stays live beside the one {@code m} creates, whether that one exists yet or not. */
    static Optional<String> previousVersionSchema(EngineContext engine, Migration m) {
        Optional<String> latest = engine.state().latestVersion(engine.schema());
        Optional<String> previous = latest.isPresent() && latest.get().equals(m.version())
                ? engine.state().previousVersion(engine.schema()) : latest;
        return previous.map(v -> engine.schema() + "_" + v);
    }
}
