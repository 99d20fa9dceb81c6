package io.pgroll.core.engine;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll.MigrateResult;
import io.pgroll.core.PgRoll.StartResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Grants;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.StartSchedule;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.Triggers;
import io.pgroll.core.plan.Views;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the migration lifecycle: start (expand), complete (contract) and rollback, keeping the state store in step.
 * Operations only plan; this class runs their steps, builds the version schema, installs triggers and backfills.
 */
public final class MigrationEngine {
    /** Memo key noting that the start created its version schema (rollback drops only a schema it created). */
    private static final String VERSION_SCHEMA_CREATED = "version schema";

    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);

    private final PgRollConfig config;
    private final StatementRunner runner;
    private final StateStore state;
    private final Catalog catalog;
    private final int serverMajor;
    private final MigrationValidator validator;
    private final SchemaLock lock;

    public MigrationEngine(PgRollConfig config, StatementRunner runner, StateStore state, int serverMajor) {
        this.config = config;
        this.runner = runner;
        this.state = state;
        this.catalog = new LiveCatalog(runner.connection());
        this.serverMajor = serverMajor;
        this.validator = new MigrationValidator(config, catalog);
        this.lock = new SchemaLock(runner, config.stateSchema(), config.schema());
    }

    private String schema() {
        return config.schema();
    }

    private String versionSchema(Migration m) {
        return schema() + "_" + m.version();
    }

    // ---- validate ----------------------------------------------------------------------------------------------

    /** Validates against the live schema; the error names file, operation and field. */
    public void validate(Migration m) {
        validator.validate(m, Schema.fromJson(schema(), state.readSchema(schema())));
    }

    // ---- status ------------------------------------------------------------------------------------------------

    public Status status() {
        Optional<String> version = state.latestVersion(schema());
        if (version.isEmpty()) {
            return new Status(schema(), "", Status.NO_MIGRATIONS);
        }
        Optional<MigrationRecord> active = state.activeMigration(schema());
        if (active.isEmpty()) {
            List<String> drift = state.latestMigration(schema())
                    .map(last -> SchemaDrift.between(last.resultingSchemaJson(), state.readSchema(schema())))
                    .orElse(List.of());
            return new Status(schema(), version.get(), Status.COMPLETE, null, drift);
        }
        Optional<Journal.Entry> entry = journal(active.get().name()).read();
        String note = null;
        if (entry.isEmpty() || entry.get().phase() != Journal.Phase.STARTED) {
            boolean completing = entry.isPresent() && entry.get().phase() == Journal.Phase.COMPLETING;
            String command = (completing ? "complete" : "start") + " of \"" + active.get().name() + "\"";
            if (!lock.tryLock()) {
                note = command + " is running";
            } else {
                lock.unlock();
                note = command + " was interrupted: " + (completing ? "run complete again to finish it"
                        : "run start again with the same migration to resume it, or roll it back");
            }
        }
        return new Status(schema(), version.get(), Status.IN_PROGRESS, note);
    }

    // ---- start -------------------------------------------------------------------------------------------------

    /**
     * Starts a migration, or resumes it when it is the active migration and its start was interrupted (a crash, a
     * kill, a lost connection): finished steps are skipped and the backfill goes on from its recorded cursors.
     */
    public StartResult start(Migration m, StartOptions options) {
        return lock.exclusively(() -> startExclusively(m, options));
    }

    private StartResult startExclusively(Migration m, StartOptions options) {
        Optional<MigrationRecord> active = state.activeMigration(schema());
        if (active.isPresent()) {
            Optional<Journal.Entry> entry = journal(active.get().name()).read();
            boolean interrupted = entry.isEmpty() || entry.get().phase() == Journal.Phase.STARTING;
            if (interrupted && active.get().name().equals(m.name())) {
                requireSameOperations(active.get(), m);
                LOG.info("resuming the interrupted start of {}", m.name());
                return runStart(m, active.get().resultingSchemaJson(), entry.orElse(null), options);
            }
            throw new MigrationStateException("a migration for schema \"" + schema() + "\" is already in progress (\""
                    + active.get().name() + "\"" + (interrupted ? ", its start was interrupted: start it again to resume, "
                    + "or roll it back" : "; complete or roll it back first") + ")");
        }
        String baseJson = state.readSchema(schema());
        Schema base = Schema.fromJson(schema(), baseJson);
        requireHistoryOrEmpty(base);
        if (!options.skipValidation()) {
            validator.validate(m, base.copy());
        }
        state.insertStarted(schema(), m.name(), MigrationWriter.toJson(m), baseJson);
        journal(m.name()).begin(Journal.Phase.STARTING);
        return runStart(m, baseJson, null, options);
    }

    private void requireSameOperations(MigrationRecord active, Migration m) {
        Migration stored = MigrationWriter.fromJson(active.name(), active.migrationJson());
        if (!stored.operations().equals(m.operations())) {
            throw new MigrationStateException("migration \"" + m.name() + "\" is active with different operations than the "
                    + "file; roll it back before starting the changed file");
        }
    }

    private Dependents dependents() {
        return new Dependents(runner, schema());
    }

    private Journal journal(String migration) {
        return new Journal(runner, config.stateSchema(), schema(), migration);
    }

    private StartResult runStart(Migration m, String baseJson, Journal.Entry resumeFrom, StartOptions options) {
        String vs = versionSchema(m);
        Journal journal = journal(m.name());
        PlanContext ctx = new PlanContext(Schema.fromJson(schema(), baseJson), schema(), vs, catalog, journal.memo());
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
                    validator.requireFree(m.name(), i, op, derived, created);
                }
            }
            schedule = StartSchedule.of(planned);
            List<Step> steps = new ArrayList<>(schedule.plainSteps());
            runJournaled(steps, schedule.backfillAt(), journal, stepsDone, resumeAt);
            Backfill backfill = new Backfill(runner, schema(), options, journal);
            Map<String, List<TriggerSpec>> ups = upTriggersByTable(ctx.triggers());
            long backfillStart = System.nanoTime();
            for (Map.Entry<String, List<TriggerSpec>> table : ups.entrySet()) {
                backfilled += backfill.run(table.getKey(), table.getValue(),
                        resumeFrom == null ? null : resumeFrom.backfill().get(table.getKey()));
            }
            runJournaled(steps, schedule.catchUpAt(), journal, stepsDone, resumeAt);
            if (schedule.triggersAfterBackfill()) {
                ups.forEach(backfill::catchUp);
            }
            backfillTime = Duration.ofNanos(System.nanoTime() - backfillStart);
            runJournaled(steps, steps.size(), journal, stepsDone, resumeAt);
            // Last, so that the new version's clients only ever see filled columns, and write with the triggers on.
            // Journaled like the other steps, so that a resumed start knows the version schema is its own.
            if (config.useVersionSchema()) {
                Schema current = ctx.schema();
                if (m.operations().stream().anyMatch(op -> op instanceof RawSql sql && sql.isolated())) {
                    current = Schema.fromJson(schema(), state.readSchema(schema()));
                }
                Optional<String> previous = previousVersionSchema(m);
                steps.add(Step.sql("CREATE SCHEMA " + Sql.ident(vs),
                        journal.memo().save(VERSION_SCHEMA_CREATED, Sql.literal(vs))));
                steps.addAll(viewSteps(current, vs));
                // The previous version stays live until complete, and was made by an older run or another tool that
                // granted nothing, or before the clients' roles were granted their table privileges.
                previous.ifPresent(p -> steps.add(Step.sql(Grants.toVersionSchema(schema(), p))));
                runJournaled(steps, steps.size(), journal, stepsDone, resumeAt);
            }
            journal.enter(Journal.Phase.STARTED);
        } catch (RuntimeException e) {
            throw failedStart(m, e, new Replay(ctx, names), schedule, stepsDone[0]);
        }
        return new StartResult(m.name(), config.useVersionSchema() ? vs : null, backfilled, backfillTime);
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
                validator.validate(m, Schema.fromJson(schema(), baseJson));
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

    /**
     * Runs steps from {@code done[0]} up to {@code end}, recording each as done in the same transaction (a step that
     * must run outside a transaction is recorded right after it, and is written to be safe to run again);
     * {@code done[0]} follows. {@code resumeAt} is the step an interrupted run stopped at, or -1.
     */
    private void runJournaled(List<Step> steps, int end, Journal journal, int[] done, int resumeAt) {
        for (int i = done[0]; i < end; i++) {
            Step step = steps.get(i);
            if (step.transactional()) {
                List<String> statements = new ArrayList<>(step.statements());
                statements.add(journal.recordSteps(i + 1));
                runner.execute(new Step(statements, true, step.onFailure()));
            } else {
                if (i == resumeAt && step.onFailure() != null) {
                    // What an interrupted try of this step may have left (an invalid index): the step is not recorded
                    // as done, so it is this start's own.
                    runner.execute(Step.outsideTransaction(step.onFailure(), null));
                }
                runner.execute(step);
                runner.execute(Step.sql(journal.recordSteps(i + 1)));
            }
            done[0] = i + 1;
            FaultPoints.reached("step");
        }
    }

    private static Map<String, List<TriggerSpec>> upTriggersByTable(List<TriggerSpec> triggers) {
        Map<String, List<TriggerSpec>> byTable = new LinkedHashMap<>();
        triggers.stream().filter(t -> t.direction() == TriggerSpec.Direction.UP)
                .forEach(t -> byTable.computeIfAbsent(t.physicalTable(), k -> new ArrayList<>()).add(t));
        return byTable;
    }

    /** Rolls back the given operations (their rollback is safe on a partial start); returns the error if that failed. */
    private String undoStart(Migration m, Replay replay, List<Integer> changed) {
        replay.ctx().drainSteps();
        try {
            rollBack(m, replay, changed);
            return null;
        } catch (RuntimeException undo) {
            LOG.error("could not undo the failed start of {}: {}", m.name(), undo.getMessage());
            return undo.getMessage();
        }
    }

    private void requireHistoryOrEmpty(Schema live) {
        if (!state.hasHistory(schema()) && !live.visibleTables().isEmpty()) {
            throw new MigrationStateException("schema \"" + schema() + "\" has existing tables but no migration history - "
                    + "baseline required");
        }
    }

    /** The version schema that stays live beside the one {@code m} creates, whether that one exists yet or not. */
    private Optional<String> previousVersionSchema(Migration m) {
        Optional<String> latest = state.latestVersion(schema());
        Optional<String> previous = latest.isPresent() && latest.get().equals(m.version())
                ? state.previousVersion(schema()) : latest;
        return previous.map(v -> schema() + "_" + v);
    }

    /** The views of a version schema, one step per table, columns in the physical order. */
    private List<Step> viewSteps(Schema schema, String vs) {
        Map<String, List<String>> order = new HashMap<>();
        for (List<String> row : runner.query("""
                SELECT c.relname, a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum""", schema())) {
            order.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1));
        }
        return Views.plan(schema, vs, order, serverMajor >= 15);
    }

    // ---- complete ----------------------------------------------------------------------------------------------

    public void complete() {
        lock.exclusively(this::completeExclusively);
    }

    private void completeExclusively() {
        MigrationRecord active = requireActive();
        Journal journal = journal(active.name());
        Optional<Journal.Entry> entry = journal.read();
        if (entry.isEmpty() || entry.get().phase() == Journal.Phase.STARTING) {
            throw new MigrationStateException("the start of migration \"" + active.name() + "\" did not finish; start it again "
                    + "to resume, or roll it back");
        }
        boolean resuming = entry.get().phase() == Journal.Phase.COMPLETING;
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        Replay replay = replayStart(m, active, catalog);
        PlanContext ctx = replay.ctx();
        List<Step> steps = new ArrayList<>();
        // The previous version goes first, so that its views stop pinning what the operations drop. It is looked up
        // when the step runs, so that the step list is the same when an interrupted complete is resumed.
        steps.add(Step.sql("DO $pgroll$\nDECLARE\n  previous text := " + Sql.qualified(config.stateSchema(),
                "previous_version") + "(" + Sql.literal(schema()) + ");\nBEGIN\n  IF previous IS NOT NULL THEN\n"
                + "    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', " + Sql.literal(schema() + "_")
                + " || previous);\n  END IF;\nEND;\n$pgroll$"));
        for (int i = 0; i < m.operations().size(); i++) {
            ctx.resolveNamesAs(replay.names().get(i));
            m.operations().get(i).complete(ctx);
            steps.addAll(ctx.drainSteps());
        }
        steps.add(Step.sql(Triggers.dropDirectionFunction(schema())));
        int resumeAt = resuming ? entry.get().stepsDone() : -1;
        if (!resuming) {
            // Before anything changes: a complete that stopped halfway would leave old clients without their version
            // and the migration impossible to roll back.
            Optional<String> previous = state.previousVersion(schema()).map(v -> schema() + "_" + v);
            previous.ifPresent(dependents()::requireOnlyViews);
            List<String> versionSchemas = new ArrayList<>(List.of(versionSchema(m)));
            previous.ifPresent(versionSchemas::add);
            dependents().requireNone("complete", ctx, versionSchemas);
            journal.begin(Journal.Phase.COMPLETING);
        } else {
            LOG.info("resuming the interrupted complete of {}", m.name());
        }
        runJournaled(steps, steps.size(), journal, new int[] {Math.max(resumeAt, 0)}, resumeAt);
        if (config.useVersionSchema() && m.operations().stream().anyMatch(RawSql.class::isInstance)) {
            runner.execute(viewSteps(Schema.fromJson(schema(), state.readSchema(schema())), versionSchema(m)));
        }
        state.markCompleted(schema(), m.name());
        journal.delete();
    }

    // ---- rollback ----------------------------------------------------------------------------------------------

    public void rollback() {
        lock.exclusively(this::rollbackExclusively);
    }

    private void rollbackExclusively() {
        MigrationRecord active = requireActive();
        journal(active.name()).read().filter(e -> e.phase() == Journal.Phase.COMPLETING).ifPresent(e -> {
            throw new MigrationStateException("migration \"" + active.name() + "\" is being completed (an earlier "
                    + "complete was interrupted) and can no longer be rolled back: run complete again to finish it");
        });
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        Replay replay = replayStart(m, active, Catalog.OFFLINE);
        rollBack(m, replay, IntStream.range(0, m.operations().size()).boxed().toList());
    }

    /**
     * Drops the version schema (if this start created it), rolls back the given operations (indexes, in the order they
     * started) last first, drops the direction function their triggers shared, and forgets the active migration.
     * Nothing changes when a user's object depends on what would be dropped.
     */
    private void rollBack(Migration m, Replay replay, List<Integer> operations) {
        String vs = versionSchema(m);
        Optional<Journal.Entry> entry = journal(m.name()).read();
        // A start by the Go tool keeps no journal; its version schema is its own.
        boolean ownVersionSchema = entry.isEmpty() || entry.get().memo().has(VERSION_SCHEMA_CREATED);
        List<List<Step>> undo = new ArrayList<>();
        for (int i = operations.size() - 1; i >= 0; i--) {
            int op = operations.get(i);
            replay.ctx().resolveNamesAs(replay.names().get(op));
            m.operations().get(op).rollback(replay.ctx());
            undo.add(replay.ctx().drainSteps());
        }
        if (ownVersionSchema) {
            dependents().requireOnlyViews(vs);
        }
        dependents().requireNone("rollback", replay.ctx(), ownVersionSchema ? List.of(vs) : List.of());
        if (ownVersionSchema) {
            runner.execute(Step.sql("DROP SCHEMA IF EXISTS " + Sql.ident(vs) + " CASCADE"));
        }
        undo.forEach(runner::execute);
        runner.execute(Step.sql(Triggers.dropDirectionFunction(schema())));
        state.deleteActive(schema(), m.name());
    }

    private MigrationRecord requireActive() {
        return state.activeMigration(schema()).orElseThrow(() ->
                new MigrationStateException("no active migration for schema \"" + schema() + "\""));
    }

    /**
     * Rebuilds the virtual schema the active migration's start produced, by planning its operations again on the
     * schema as it was before the start (kept in the active row; for a migration started by the Go tool, the
     * previous migration's resulting schema).
     */
    private Replay replayStart(Migration m, MigrationRecord active, Catalog planningCatalog) {
        String baseJson = active.resultingSchemaJson();
        if (isEmptyObject(baseJson)) {
            baseJson = active.parent() == null ? null
                    : state.get(schema(), active.parent()).map(MigrationRecord::resultingSchemaJson).orElse(null);
        }
        PlanContext ctx = new PlanContext(Schema.fromJson(schema(), baseJson), schema(), versionSchema(m),
                planningCatalog, journal(m.name()).memo());
        List<Schema.NameSnapshot> names = new ArrayList<>();
        for (Operation op : m.operations()) {
            op.start(ctx);
            names.add(ctx.schema().snapshotNames());
        }
        ctx.drainSteps();
        ctx.drainDerived();
        return new Replay(ctx, names);
    }

    /** The virtual schema a start produced, with the names each operation saw right after its own start. */
    private record Replay(PlanContext ctx, List<Schema.NameSnapshot> names) {
    }

    private static boolean isEmptyObject(String json) {
        return json == null || json.replaceAll("\\s", "").equals("{}");
    }

    // ---- migrate -----------------------------------------------------------------------------------------------

    public MigrateResult migrate(List<Migration> local, boolean completeLast, boolean expectOne, StartOptions options) {
        var active = state.activeMigration(schema());
        if (active.isPresent()) {
            return new MigrateResult(active.get().name(), List.of(), false);
        }
        List<Migration> pending = Reconciliation.pending(state.historySinceBaseline(schema()), local);
        if (pending.isEmpty()) {
            return new MigrateResult(null, List.of(), false);
        }
        if (expectOne && pending.size() > 1) {
            throw new MigrationStateException("expected exactly one migration to apply, found " + pending.size() + ": "
                    + pending.stream().map(Migration::name).toList());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Migration mig = pending.get(i);
            start(mig, options);
            names.add(mig.name());
            if (i < pending.size() - 1 || completeLast) {
                complete();
            }
        }
        return new MigrateResult(null, names, completeLast);
    }
}
