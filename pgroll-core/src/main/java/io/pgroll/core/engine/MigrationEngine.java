package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll.MigrateResult;
import io.pgroll.core.PgRoll.StartResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the migration lifecycle: start (expand), complete (contract) and rollback, keeping the state store in step.
 * Operations only plan; the start, complete and rollback runners this class delegates to run their steps, each
 * while holding the schema lock.
 */
public final class MigrationEngine {
    private final EngineContext context;
    private final SchemaLock lock;
    private final StartRunner start;
    private final CompleteRunner complete;
    private final RollbackRunner rollback;

    public MigrationEngine(PgRollConfig config, StatementRunner runner, StateStore state, int serverMajor) {
        Catalog catalog = new LiveCatalog(runner.connection());
        this.context = new EngineContext(config, runner, state, catalog, serverMajor,
                new MigrationValidator(config, catalog));
        this.lock = new SchemaLock(runner, config.stateSchema(), config.schema());
        this.rollback = new RollbackRunner(context);
        this.start = new StartRunner(context, rollback);
        this.complete = new CompleteRunner(context);
    }

    /** Validates against the live schema; the error names file, operation and field. */
    public void validate(Migration m) {
        context.validator().validate(m, context.liveSchema());
    }

    public Status status() {
        Optional<String> version = context.state().latestVersion(context.schema());
        if (version.isEmpty()) {
            return new Status(context.schema(), "", Status.NO_MIGRATIONS);
        }
        Optional<MigrationRecord> active = context.state().activeMigration(context.schema());
        if (active.isEmpty()) {
            List<String> drift = context.state().latestMigration(context.schema())
                    .map(last -> SchemaDrift.between(last.resultingSchemaJson(),
                            context.state().readSchema(context.schema())))
                    .orElse(List.of());
            return new Status(context.schema(), version.get(), Status.COMPLETE, null, drift);
        }
        Optional<Journal.Entry> entry = context.journal(active.get().name()).read();
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
        return new Status(context.schema(), version.get(), Status.IN_PROGRESS, note);
    }

    /**
     * Starts a migration, or resumes it when it is the active migration and its start was interrupted (a crash, a
     * kill, a lost connection): finished steps are skipped and the backfill goes on from its recorded cursors.
     */
    public StartResult start(Migration m, StartOptions options) {
        return lock.exclusively(() -> start.run(m, options));
    }

    public void complete() {
        lock.exclusively(complete::run);
    }

    public void rollback() {
        lock.exclusively(rollback::run);
    }

    public MigrateResult migrate(List<Migration> local, boolean completeLast, boolean expectOne, StartOptions options) {
        var active = context.state().activeMigration(context.schema());
        if (active.isPresent()) {
            return new MigrateResult(active.get().name(), List.of(), false);
        }
        List<Migration> pending = Reconciliation.pending(context.state().historySinceBaseline(context.schema()), local);
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
