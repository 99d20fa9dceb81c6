package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.CompleteResult;
import io.pgroll.core.MigrateOptions;
import io.pgroll.core.MigrateResult;
import io.pgroll.core.StartResult;
import io.pgroll.core.ValidateResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollEvent;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.RollbackResult;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the migration lifecycle: start (expand), complete (contract) and rollback, keeping the state store in step.
 * Operations only plan; the start, complete and rollback runners this class delegates to run their steps, each
 * while holding the schema lock.
 */
public final class MigrationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);
    private final EngineContext context;
    private final SchemaLock lock;
    private final StatusReader status;
    private final StartRunner start;
    private final CompleteRunner complete;
    private final RollbackRunner rollback;
    private final PgRollListener listener;

    public MigrationEngine(PgRollConfig config, StatementRunner runner, StateStore state, int serverMajor,
                           PgRollListener listener) {
        this.listener = listener;
        Catalog catalog = new LiveCatalog(runner.connection());
        this.context = new EngineContext(config, runner, state, catalog, serverMajor,
                new MigrationValidator(config, catalog));
        this.lock = new SchemaLock(runner, config.stateSchema(), config.schema());
        this.status = new StatusReader(context, lock);
        this.rollback = new RollbackRunner(context);
        this.start = new StartRunner(context, rollback);
        this.complete = new CompleteRunner(context);
    }

    /** Validates against the live schema; the error names file, operation and field. */
    public void validate(Migration m) {
        context.validator().validate(m, context.liveSchema());
    }

    /**
     * Plans a migration's start, complete and rollback without running them; reads the catalog only (the caller
     * holds a read-only transaction, so the constant-default question is answered without the probe table).
     */
    public MigrationPlan plan(Migration m, StartOptions options) {
        Catalog catalog = new LiveCatalog(context.runner().connection(), true);
        EngineContext planning = new EngineContext(context.config(), context.runner(), context.state(), catalog,
                context.serverMajor(), new MigrationValidator(context.config(), catalog));
        return new Planner(planning).plan(m, options);
    }

    public Status status() {
        return status.read();
    }

    /**
     * Starts a migration, or resumes it when it is the active migration and its start was interrupted (a crash, a
     * kill, a lost connection): finished steps are skipped and the backfill goes on from its recorded cursors.
     */
    public StartResult start(Migration m, StartOptions options) {
        Backfill.Progress progress = new Backfill.Progress() {
            @Override
            public void update(String table, long rowsDone, long rowsTotal) {
                tell(new PgRollEvent.BackfillProgress(m.name(), table, rowsDone, rowsTotal));
            }

            @Override
            public void waiting(String table, String reason) {
                tell(new PgRollEvent.BackfillWaiting(m.name(), table, reason));
            }

            @Override
            public void resumed(String table, Duration waited) {
                tell(new PgRollEvent.BackfillResumed(m.name(), table, waited));
            }
        };
        StartResult result = lock.exclusively(() -> {
            tell(new PgRollEvent.Starting(m.name()));
            return start.run(m, options, progress);
        });
        tell(new PgRollEvent.Started(m.name(), result));
        return result;
    }

    /** Completes the active migration; unless {@code force}, refused while a session is pinned to the old version. */
    public CompleteResult complete(boolean force) {
        Migration m = lock.exclusively(() -> complete.run(force));
        CompleteResult result = new CompleteResult(m.name(),
                context.config().useVersionSchema() ? context.versionSchema(m) : null);
        tell(new PgRollEvent.Completed(m.name(), result));
        return result;
    }

    /** Rolls back the active migration; unless {@code force}, refused while a session is pinned to its version. */
    public RollbackResult rollback(boolean force) {
        Migration m = lock.exclusively(() -> rollback.run(force));
        tell(new PgRollEvent.RolledBack(m.name()));
        return new RollbackResult(m.name());
    }

    private void tell(PgRollEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("a pgroll listener failed on {}: {}", event, e.toString());
        }
    }

    /**
     * Checks local migrations against the history as {@link #migrate} does, and validates the first pending one
     * against the live schema unless a migration is active (the schema will change before the pending one runs).
     */
    public ValidateResult validatePending(List<Migration> local) {
        var active = context.state().activeMigration(context.schema());
        List<Migration> pending = Reconciliation.pending(context.state().historySinceBaseline(context.schema()), local);
        if (active.isEmpty() && !pending.isEmpty()) {
            validate(pending.get(0));
        }
        return new ValidateResult(active.map(MigrationRecord::name).orElse(null),
                pending.stream().map(Migration::name).toList());
    }

    /**
     * Applies the pending migrations of {@code local}, holding the schema lock throughout (waiting up to the options'
     * lock wait for another process), so that what is pending is decided by whoever gets there first.
     */
    public MigrateResult migrate(List<Migration> local, MigrateOptions migrate, StartOptions options) {
        return lock.exclusively(migrate.lockWait(), () -> migrateLocked(local, migrate, options));
    }

    private MigrateResult migrateLocked(List<Migration> local, MigrateOptions migrate, StartOptions options) {
        boolean completeLast = migrate.complete();
        boolean force = migrate.force();
        var active = context.state().activeMigration(context.schema());
        if (active.isPresent()) {
            return new MigrateResult(active.get().name(), List.of(), false, null, List.of());
        }
        List<Migration> pending = Reconciliation.pending(context.state().historySinceBaseline(context.schema()), local);
        if (pending.isEmpty()) {
            return new MigrateResult(null, List.of(), false, null, List.of());
        }
        if (migrate.expectOne() && pending.size() > 1) {
            throw new MigrationStateException("expected exactly one migration to apply, found " + pending.size() + ": "
                    + pending.stream().map(Migration::name).toList());
        }
        List<String> names = new ArrayList<>();
        List<String> drift = List.of();
        StartResult started = null;
        for (int i = 0; i < pending.size(); i++) {
            Migration mig = pending.get(i);
            started = start(mig, options);
            if (i == 0) {
                drift = started.drift();
            }
            names.add(mig.name());
            if (i < pending.size() - 1 || completeLast) {
                complete(force);
            }
        }
        return new MigrateResult(null, names, completeLast, started.versionSchema(), drift);
    }
}
