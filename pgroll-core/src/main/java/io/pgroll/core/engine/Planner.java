package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.SqlScript;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.explain.StatementClassifier;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Memo;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.StartSchedule;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.schema.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Builds a {@link MigrationPlan}: the steps start, complete and rollback would run, planned exactly as the runners
 * plan them, each statement classified by {@link StatementClassifier} and sized from the statistics. Only reads the
 * catalog (the caller wraps it in a read-only transaction).
 */
final class Planner {
    /**
     * Rows per second a backfill is projected at: a bulk {@code UPDATE} of one column measured by pgroll-bench
     * (bench/results) on a small server, rounded down.
     */
    static final long PROJECTED_ROWS_PER_SECOND = 60_000;

    /** For planning: saves nothing, and its statements (empty) are left out of the plan. */
    private static final Memo NO_MEMO = new Memo() {
        @Override
        public String save(String key, String sqlExpression) {
            return "";
        }

        @Override
        public Optional<String> recall(String key) {
            return Optional.empty();
        }
    };

    private final EngineContext engine;
    private final Map<String, MigrationPlan.TableSize> sizes = new HashMap<>();
    private final Map<String, String> indexTables = new HashMap<>();

    Planner(EngineContext engine) {
        this.engine = engine;
    }

    MigrationPlan plan(Migration m, StartOptions options) {
        engine.state().activeMigration(engine.schema()).ifPresent(active -> {
            throw new MigrationStateException("a migration for schema \"" + engine.schema() + "\" is in progress (\""
                    + active.name() + "\"); complete or roll it back before planning another");
        });
        String baseJson = engine.state().readSchema(engine.schema());
        engine.validator().validate(m, Schema.fromJson(engine.schema(), baseJson));
        readSizes();
        StatementClassifier classifier = seededClassifier();

        PlanContext ctx = new PlanContext(Schema.fromJson(engine.schema(), baseJson), engine.schema(),
                engine.versionSchema(m), engine.catalog(), NO_MEMO);
        List<List<StartSchedule.Planned>> planned = new ArrayList<>();
        List<Schema.NameSnapshot> names = new ArrayList<>();
        for (Operation op : m.operations()) {
            op.start(ctx);
            names.add(ctx.schema().snapshotNames());
            planned.add(ctx.drainPlanned());
            ctx.drainDerived();
        }
        StartSchedule schedule = StartSchedule.of(planned);
        List<Integer> owners = new ArrayList<>(schedule.steps().stream().map(StartSchedule.Scheduled::operation).toList());
        List<Step> startSteps = new ArrayList<>(schedule.plainSteps());
        if (engine.config().useVersionSchema()) {
            List<Step> views = StartRunner.versionSchemaSteps(engine, m, ctx.schema(), NO_MEMO);
            startSteps.addAll(views);
            views.forEach(v -> owners.add(-1));
        }
        List<MigrationPlan.Backfill> backfills = new ArrayList<>();
        StartRunner.upTriggersByTable(ctx.triggers()).forEach((table, ups) -> backfills.add(backfill(table, ups, options)));
        List<MigrationPlan.Statement> start = new ArrayList<>();
        int beforeBackfill = statements(m, startSteps.subList(0, schedule.backfillAt()), owners, classifier, start, 0);
        statements(m, startSteps.subList(schedule.backfillAt(), startSteps.size()),
                owners.subList(schedule.backfillAt(), owners.size()), classifier, start, schedule.backfillAt());

        // complete and rollback plan all operations in one sweep: their statements are listed as pgroll's
        List<Step> completeSteps = CompleteRunner.steps(engine, m, new Replay(ctx, names));
        List<MigrationPlan.Statement> complete = new ArrayList<>();
        statements(m, completeSteps, Collections.nCopies(completeSteps.size(), -1), classifier, complete, 0);

        Replay undo = Replay.of(engine, m, baseJson, io.pgroll.core.plan.Catalog.OFFLINE, NO_MEMO);
        List<Step> rollbackSteps = RollbackRunner.steps(engine, m, undo,
                IntStream.range(0, m.operations().size()).boxed().toList(), engine.config().useVersionSchema());
        List<MigrationPlan.Statement> rollback = new ArrayList<>();
        statements(m, rollbackSteps, Collections.nCopies(rollbackSteps.size(), -1), classifier, rollback, 0);

        return new MigrationPlan(m.name(), engine.schema(), List.of(
                new MigrationPlan.Phase("start", start, backfills, backfills.isEmpty() ? -1 : beforeBackfill),
                new MigrationPlan.Phase("complete", complete, List.of(), -1),
                new MigrationPlan.Phase("rollback", rollback, List.of(), -1)));
    }

    /** Classifies the statements of {@code steps} into {@code into}; returns its size. */
    private int statements(Migration m, List<Step> steps, List<Integer> owners, StatementClassifier classifier,
                           List<MigrationPlan.Statement> into, int firstStep) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            int owner = owners.get(i);
            Operation op = owner < 0 ? null : m.operations().get(owner);
            for (String script : step.statements()) {
                for (String sql : SqlScript.split(script)) {
                    into.add(statement(firstStep + i + 1, owner, op, sql, step.transactional(), classifier));
                }
            }
        }
        return into.size();
    }

    private MigrationPlan.Statement statement(int step, int owner, Operation op, String sql, boolean transactional,
                                              StatementClassifier classifier) {
        StatementClassifier.Effect effect = classifier.classify(sql);
        String kind = effect.kind();
        boolean recognised = effect.recognised();
        if (op == null && !recognised && sql.startsWith("DO ")) {
            // pgroll's own: the previous version schema's drop, or the grants of a version schema's views
            kind = sql.contains("DROP SCHEMA IF EXISTS") ? "DROP SCHEMA (the previous version schema: views only)"
                    : "GRANT (privileges on the version schema's views)";
            recognised = true;
        }
        List<MigrationPlan.RelationLock> locks = effect.locks().stream().map(l -> {
            String table = table(l.relation());
            return new MigrationPlan.RelationLock(l.relation(), table, l.mode(), l.access(),
                    table == null ? null : sizes.get(table));
        }).toList();
        return new MigrationPlan.Statement(step, owner, op == null ? null : op.key(), sql,
                // a raw SQL script is sent as written: PostgreSQL runs it in one implicit transaction
                effect.outsideTransaction() || !transactional && !(op instanceof RawSql), kind, recognised, locks,
                op instanceof RawSql ? effect.suggestion() : null);
    }

    /** The existing table of the target schema a relation name (as the classifier reports it) stands for, or null. */
    private String table(String relation) {
        if (relation.contains(".")) {
            return null; // another schema's: a version schema's view, pgroll's state
        }
        return sizes.containsKey(relation) ? relation : indexTables.get(relation);
    }

    private void readSizes() {
        for (List<String> row : engine.runner().query("""
                SELECT c.relname, c.reltuples::bigint, c.relpages, pg_total_relation_size(c.oid),
                  c.relkind <> 'p' AND pg_relation_size(c.oid) = 0
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'm')""", engine.schema())) {
            long rows = Long.parseLong(row.get(1));
            if (rows < 0) {
                // the planner guesses ten pages for a table that has none: a table without pages is known to be empty
                rows = "t".equals(row.get(4)) ? 0 : plannerEstimate(row.get(0));
            }
            sizes.put(row.get(0), new MigrationPlan.TableSize(rows, Long.parseLong(row.get(2)),
                    Long.parseLong(row.get(3))));
        }
        for (List<String> row : engine.runner().query("""
                SELECT ic.relname, t.relname FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ?""", engine.schema())) {
            indexTables.put(row.get(0), row.get(1));
        }
    }

    /**
     * Rows of a table never analysed or vacuumed (reltuples -1): the query planner's own estimate, which it makes from
     * the table's current size in pages without reading it.
     */
    private long plannerEstimate(String table) {
        String line = engine.runner().query("EXPLAIN SELECT * FROM " + Sql.qualified(engine.schema(), table)).get(0)
                .get(0);
        java.util.regex.Matcher rows = java.util.regex.Pattern.compile("rows=(\\d+)").matcher(line);
        return rows.find() ? Long.parseLong(rows.group(1)) : -1;
    }

    /**
     * A classifier that knows the target schema's foreign keys and checks, so that validating or dropping one is
     * reported with the locks it takes on the table it references, and SET NOT NULL over a validated check without
     * its scan.
     */
    private StatementClassifier seededClassifier() {
        StatementClassifier classifier = new StatementClassifier(engine.schema());
        for (List<String> row : engine.runner().query("""
                SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = ? AND c.contype IN ('f', 'c')""", engine.schema())) {
            classifier.classify("ALTER TABLE " + Sql.ident(row.get(0)) + " ADD CONSTRAINT " + Sql.ident(row.get(1)) + " "
                    + row.get(2));
        }
        return classifier;
    }

    /**
     * The backfill of one table: rows from the statistics (as the backfill itself counts them), batches as the
     * backfill would cut them, and a duration projected at {@link #PROJECTED_ROWS_PER_SECOND}.
     */
    private MigrationPlan.Backfill backfill(String table, List<TriggerSpec> ups, StartOptions options) {
        List<String> columns = ups.stream().map(TriggerSpec::targetColumn).toList();
        if (!sizes.containsKey(table)) {
            return new MigrationPlan.Backfill(table, columns, 0, true, "nothing to walk (a new table)", 0, false, 0,
                    Duration.ZERO, "no rows");
        }
        Backfill backfill = new Backfill(engine.runner(), engine.schema(), options, null, null);
        String regclass = Sql.qualified(engine.schema(), table);
        long estimated = sizes.get(table).rows();
        long rows = estimated > 0 ? estimated : backfill.estimateRows(regclass);
        String walk = "by physical position (" + sizes.get(table).pages() + " pages)";
        boolean adaptive = options.batchSize() == StartOptions.AUTO_BATCH_SIZE;
        int first = adaptive ? Backfill.FIRST_ADAPTIVE_BATCH : options.batchSize();
        long steady = adaptive ? Math.min(Backfill.MAX_BATCH, PROJECTED_ROWS_PER_SECOND
                * options.batchTarget().toMillis() / 1000) : first;
        long batches = rows == 0 ? 0 : rows <= first ? 1 : 1 + ceil(rows - first, steady);
        Duration work = Duration.ofMillis(rows * 1000 / PROJECTED_ROWS_PER_SECOND);
        Duration delays = options.batchDelay().multipliedBy(Math.max(0, batches - 1));
        String estimate = String.format("%,d rows at %,d rows/s (a bulk one-column UPDATE as pgroll-bench measured it; "
                + "wide rows, many indexes or a costly up expression are slower)%s", rows, PROJECTED_ROWS_PER_SECOND,
                delays.isZero() ? "" : " plus " + (batches - 1) + " delays of " + options.batchDelay().toMillis() + " ms");
        return new MigrationPlan.Backfill(table, columns, rows, estimated > 0, walk, first, adaptive, batches,
                work.plus(delays), estimate);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
