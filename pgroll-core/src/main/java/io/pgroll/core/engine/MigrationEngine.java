package io.pgroll.core.engine;

import io.pgroll.core.PgRoll.MigrateResult;
import io.pgroll.core.PgRoll.StartResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.Triggers;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.plan.Views;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the migration lifecycle: start (expand), complete (contract) and rollback, keeping the state store in step.
 * Operations only plan; this class runs their steps, builds the version schema, installs triggers and backfills.
 */
public final class MigrationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);

    private final PgRollConfig config;
    private final StatementRunner runner;
    private final StateStore state;
    private final Catalog catalog;
    private final int serverMajor;

    public MigrationEngine(PgRollConfig config, StatementRunner runner, StateStore state, int serverMajor) {
        this.config = config;
        this.runner = runner;
        this.state = state;
        this.catalog = new LiveCatalog(runner.connection());
        this.serverMajor = serverMajor;
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
        validate(m, Schema.fromJson(schema(), state.readSchema(schema())));
    }

    private void validate(Migration m, Schema schema) {
        String file = m.name();
        List<Operation> ops = m.operations();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof RawSql sql && sql.isolated() && ops.size() > 1) {
                throw new MigrationFileException(file, "operations[" + i + "].sql",
                        "operation \"sql\" cannot be executed with other operations");
            }
        }
        String vs = versionSchema(m);
        int bytes = vs.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ValidationContext.MAX_IDENTIFIER_BYTES) {
            throw new MigrationFileException(file, m.versionSchema() == null ? null : "version_schema",
                    "version schema name \"" + vs + "\" is " + bytes + " bytes long; PostgreSQL allows "
                            + ValidationContext.MAX_IDENTIFIER_BYTES + " (name the migration or its version_schema shorter)");
        }
        PlanContext dryRun = new PlanContext(schema, schema(), vs, catalog);
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            op.validate(new ValidationContext(schema, catalog, file, i, op.key()));
            op.start(dryRun);
            dryRun.drainSteps();
        }
    }

    // ---- start -------------------------------------------------------------------------------------------------

    public StartResult start(Migration m, StartOptions options) {
        requireNoActiveMigration();
        String baseJson = state.readSchema(schema());
        Schema base = Schema.fromJson(schema(), baseJson);
        requireHistoryOrEmpty(base);
        if (!options.skipValidation()) {
            validate(m, base.copy());
        }
        state.insertStarted(schema(), m.name(), MigrationWriter.toJson(m), baseJson);
        String vs = versionSchema(m);
        PlanContext ctx = new PlanContext(base.copy(), schema(), vs, catalog);
        List<Operation> started = new ArrayList<>();
        long backfilled = 0;
        Duration backfillTime;
        try {
            for (Operation op : m.operations()) {
                started.add(op);
                op.start(ctx);
                runner.execute(ctx.drainSteps());
            }
            Schema current = ctx.schema();
            if (m.operations().stream().anyMatch(op -> op instanceof RawSql sql && sql.isolated())) {
                current = Schema.fromJson(schema(), state.readSchema(schema()));
            }
            if (config.useVersionSchema()) {
                createViews(current, vs);
            }
            runner.execute(Triggers.plan(ctx.triggers(), schema(), vs));
            Backfill backfill = new Backfill(runner, schema(), options);
            long backfillStart = System.nanoTime();
            for (Map.Entry<String, List<TriggerSpec>> table : upTriggersByTable(ctx.triggers()).entrySet()) {
                backfilled += backfill.run(table.getKey(), table.getValue());
            }
            backfillTime = Duration.ofNanos(System.nanoTime() - backfillStart);
        } catch (RuntimeException e) {
            undoStart(m, ctx, started, e);
            throw new PgRollException("failed to start migration \"" + m.name() + "\", changes rolled back: "
                    + e.getMessage(), e);
        }
        return new StartResult(m.name(), config.useVersionSchema() ? vs : null, backfilled, backfillTime);
    }

    private static Map<String, List<TriggerSpec>> upTriggersByTable(List<TriggerSpec> triggers) {
        Map<String, List<TriggerSpec>> byTable = new LinkedHashMap<>();
        triggers.stream().filter(t -> t.direction() == TriggerSpec.Direction.UP)
                .forEach(t -> byTable.computeIfAbsent(t.physicalTable(), k -> new ArrayList<>()).add(t));
        return byTable;
    }

    private void undoStart(Migration m, PlanContext ctx, List<Operation> started, RuntimeException cause) {
        try {
            runner.execute(Step.sql("DROP SCHEMA IF EXISTS " + Sql.ident(versionSchema(m)) + " CASCADE"));
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).rollback(ctx);
                runner.execute(ctx.drainSteps());
            }
            state.deleteActive(schema(), m.name());
        } catch (RuntimeException undo) {
            cause.addSuppressed(undo);
            LOG.error("could not undo the failed start of {}: {}", m.name(), undo.getMessage());
        }
    }

    private void requireNoActiveMigration() {
        state.activeMigration(schema()).ifPresent(active -> {
            throw new PgRollException("a migration for schema \"" + schema() + "\" is already in progress (\""
                    + active.name() + "\"); complete or roll it back first");
        });
    }

    private void requireHistoryOrEmpty(Schema live) {
        if (!state.hasHistory(schema()) && !live.visibleTables().isEmpty()) {
            throw new PgRollException("schema \"" + schema() + "\" has existing tables but no migration history - "
                    + "baseline required");
        }
    }

    private void createViews(Schema schema, String vs) {
        Map<String, List<String>> order = new HashMap<>();
        for (List<String> row : runner.query("""
                SELECT c.relname, a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum""", schema())) {
            order.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1));
        }
        runner.execute(Views.plan(schema, vs, order, serverMajor >= 15));
    }

    // ---- complete ----------------------------------------------------------------------------------------------

    public void complete() {
        MigrationRecord active = requireActive();
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        PlanContext ctx = replayStart(m, active, catalog);
        state.previousVersion(schema()).ifPresent(previous ->
                runner.execute(Step.sql("DROP SCHEMA IF EXISTS " + Sql.ident(schema() + "_" + previous) + " CASCADE")));
        for (Operation op : m.operations()) {
            op.complete(ctx);
            runner.execute(ctx.drainSteps());
        }
        if (config.useVersionSchema() && m.operations().stream().anyMatch(RawSql.class::isInstance)) {
            createViews(Schema.fromJson(schema(), state.readSchema(schema())), versionSchema(m));
        }
        state.markCompleted(schema(), m.name());
    }

    // ---- rollback ----------------------------------------------------------------------------------------------

    public void rollback() {
        MigrationRecord active = requireActive();
        Migration m = MigrationWriter.fromJson(active.name(), active.migrationJson());
        PlanContext ctx = replayStart(m, active, Catalog.OFFLINE);
        runner.execute(Step.sql("DROP SCHEMA IF EXISTS " + Sql.ident(versionSchema(m)) + " CASCADE"));
        List<Operation> ops = m.operations();
        for (int i = ops.size() - 1; i >= 0; i--) {
            ops.get(i).rollback(ctx);
            runner.execute(ctx.drainSteps());
        }
        state.deleteActive(schema(), m.name());
    }

    private MigrationRecord requireActive() {
        return state.activeMigration(schema()).orElseThrow(() ->
                new PgRollException("no active migration for schema \"" + schema() + "\""));
    }

    /**
     * Rebuilds the virtual schema the active migration's start produced, by planning its operations again on the
     * schema as it was before the start (kept in the active row; for a migration started by the Go tool, the
     * previous migration's resulting schema).
     */
    private PlanContext replayStart(Migration m, MigrationRecord active, Catalog planningCatalog) {
        String baseJson = active.resultingSchemaJson();
        if (isEmptyObject(baseJson)) {
            baseJson = active.parent() == null ? null
                    : state.get(schema(), active.parent()).map(MigrationRecord::resultingSchemaJson).orElse(null);
        }
        PlanContext ctx = new PlanContext(Schema.fromJson(schema(), baseJson), schema(), versionSchema(m),
                planningCatalog);
        for (Operation op : m.operations()) {
            op.start(ctx);
        }
        ctx.drainSteps();
        return ctx;
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
        List<MigrationRecord> history = state.history(schema());
        String baseline = null;
        int since = 0;
        for (int i = 0; i < history.size(); i++) {
            if (MigrationRecord.TYPE_BASELINE.equals(history.get(i).migrationType())) {
                baseline = history.get(i).name();
                since = i + 1;
            }
        }
        List<MigrationRecord> applied = history.subList(since, history.size());
        String lastBaseline = baseline;
        List<Migration> candidates = lastBaseline == null ? local
                : local.stream().filter(mig -> mig.name().compareTo(lastBaseline) > 0).toList();
        for (int i = 0; i < applied.size(); i++) {
            String remote = applied.get(i).name();
            String mine = i < candidates.size() ? candidates.get(i).name() : "";
            if (!remote.equals(mine)) {
                throw new PgRollException("remote migration does not match local migration: remote=\"" + remote
                        + "\", local=\"" + mine + "\"");
            }
        }
        List<Migration> pending = candidates.subList(Math.min(applied.size(), candidates.size()), candidates.size());
        if (pending.isEmpty()) {
            return new MigrateResult(null, List.of(), false);
        }
        if (expectOne && pending.size() > 1) {
            throw new PgRollException("expected exactly one migration to apply, found " + pending.size() + ": "
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
