package io.pgroll.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.explain.StatementClassifier;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", description = "Show what start, complete and rollback of a migration would run, with the "
        + "locks each statement takes and the tables it scans or rewrites; changes nothing.")
final class PlanCommand extends BaseCommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (.json, .yaml or .yml)")
    String file;

    @Option(names = {"-j", "--json"}, description = "Print the plan as JSON")
    boolean json;

    @Option(names = "--max-blocking-rows", paramLabel = "N", defaultValue = "0",
            description = "Exit non-zero when a statement would hold SHARE or a stronger lock (writes blocked) while "
                    + "scanning or rewriting a table of more than N estimated rows; 0 only reports (default: "
                    + "${DEFAULT-VALUE})")
    long maxBlockingRows;

    @Mixin
    BackfillOptions backfill;

    @Override
    public Integer call() {
        if (maxBlockingRows < 0) {
            throw new io.pgroll.core.PgRollException("--max-blocking-rows must not be negative, got " + maxBlockingRows);
        }
        Migration migration = MigrationReader.read(env().resolve(file));
        var options = root().startOptions(false, backfill);
        MigrationPlan plan = root().withPgRoll(pgroll -> pgroll.plan(migration, options));
        println(json ? toJson(plan) : toText(plan));
        if (maxBlockingRows > 0) {
            List<MigrationPlan.Blocking> blocking = plan.blocking(maxBlockingRows);
            if (!blocking.isEmpty()) {
                env().err().println("Error: " + blocking.get(0).describe() + ", above --max-blocking-rows "
                        + maxBlockingRows + (blocking.size() > 1 ? " (and " + (blocking.size() - 1) + " more)" : ""));
                return 1;
            }
        }
        return 0;
    }

    static String toText(MigrationPlan plan) {
        StringBuilder out = new StringBuilder("Plan for migration \"" + plan.migration() + "\" on schema \""
                + plan.schema() + "\" (locks after PostgreSQL's explicit-locking documentation; rows from the "
                + "statistics)\n");
        for (MigrationPlan.Phase phase : plan.phases()) {
            out.append('\n').append(phase.name()).append('\n');
            int step = -1;
            for (int i = 0; i < phase.statements().size(); i++) {
                if (i == phase.backfillBefore()) {
                    backfills(out, phase);
                }
                MigrationPlan.Statement s = phase.statements().get(i);
                if (s.step() != step) {
                    step = s.step();
                    out.append("  step ").append(step)
                            .append(s.outsideTransaction() ? " (outside a transaction)" : " (one transaction)")
                            .append(s.operation() < 0 ? "" : " - operation " + s.operation() + " " + s.operationKey())
                            .append('\n');
                }
                out.append("    ").append(firstLine(s.sql())).append('\n');
                out.append("      ").append(s.recognised() ? s.kind() : "unknown: " + s.kind()
                        + " (locks not recognised)").append('\n');
                for (MigrationPlan.RelationLock lock : s.locks()) {
                    out.append("      ").append(lock(lock)).append('\n');
                }
                if (s.suggestion() != null) {
                    out.append("      suggestion: ").append(s.suggestion()).append('\n');
                }
            }
            if (phase.backfillBefore() >= phase.statements().size()) {
                backfills(out, phase);
            }
        }
        return out.toString().stripTrailing();
    }

    private static void backfills(StringBuilder out, MigrationPlan.Phase phase) {
        for (MigrationPlan.Backfill b : phase.backfills()) {
            out.append("  backfill ").append(b.table()).append(" (").append(String.join(", ", b.columns()))
                    .append("): ").append(String.format(Locale.ROOT, "%,d", b.rows())).append(" rows")
                    .append(b.rowsEstimated() ? " (estimated)" : " (counted)").append(", ").append(b.walk())
                    .append(", ").append(b.adaptive() ? "adaptive batches from " : "batches of ")
                    .append(String.format(Locale.ROOT, "%,d", b.batchSize())).append(" rows: ~").append(b.batches())
                    .append(" batches, each its own transaction (ROW EXCLUSIVE, row locks only); projected ")
                    .append(GoDuration.format(b.projectedDuration())).append(" (").append(b.estimate()).append(")\n");
        }
    }

    private static String lock(MigrationPlan.RelationLock lock) {
        StringBuilder s = new StringBuilder(lock.mode().sqlName()).append(" on ").append(lock.relation());
        if (lock.table() != null && !lock.table().equals(lock.relation())) {
            s.append(" (table ").append(lock.table()).append(')');
        }
        if (lock.access() != StatementClassifier.Access.NONE) {
            s.append(lock.access() == StatementClassifier.Access.REWRITE ? ", rewrites" : ", scans");
        }
        if (lock.size() != null) {
            s.append(String.format(Locale.ROOT, " ~%,d rows, %s", lock.size().rows(), bytes(lock.size().bytes())));
        } else if (!lock.relation().contains(".")) {
            s.append(" (new)");
        }
        if (lock.mode().blocksReads()) {
            s.append(" - blocks reads and writes");
        } else if (lock.mode().blocksWrites()) {
            s.append(" - blocks writes");
        }
        return s.toString();
    }

    private static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%d kB", (n + 1023) / 1024);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().findFirst().orElse("");
        boolean more = sql.strip().contains("\n") || line.length() > 160;
        return (line.length() > 160 ? line.substring(0, 160) : line) + (more ? " ..." : "");
    }

    static String toJson(MigrationPlan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("migration", plan.migration());
        root.put("schema", plan.schema());
        ArrayNode phases = root.putArray("phases");
        for (MigrationPlan.Phase phase : plan.phases()) {
            ObjectNode p = phases.addObject();
            p.put("phase", phase.name());
            ArrayNode statements = p.putArray("statements");
            for (MigrationPlan.Statement s : phase.statements()) {
                ObjectNode n = statements.addObject();
                n.put("step", s.step());
                if (s.operation() >= 0) {
                    n.put("operation", s.operation());
                    n.put("operation_type", s.operationKey());
                }
                n.put("sql", s.sql());
                n.put("outside_transaction", s.outsideTransaction());
                n.put("kind", s.kind());
                n.put("recognised", s.recognised());
                ArrayNode locks = n.putArray("locks");
                for (MigrationPlan.RelationLock lock : s.locks()) {
                    ObjectNode l = locks.addObject();
                    l.put("relation", lock.relation());
                    if (lock.table() != null) {
                        l.put("table", lock.table());
                    }
                    l.put("mode", lock.mode().sqlName());
                    l.put("access", lock.access().name().toLowerCase(Locale.ROOT));
                    l.put("blocks_writes", lock.mode().blocksWrites());
                    if (lock.size() != null) {
                        l.put("estimated_rows", lock.size().rows());
                        l.put("pages", lock.size().pages());
                        l.put("total_bytes", lock.size().bytes());
                    }
                }
                if (s.suggestion() != null) {
                    n.put("suggestion", s.suggestion());
                }
            }
            if (!phase.backfills().isEmpty()) {
                p.put("backfill_before_statement", phase.backfillBefore());
                ArrayNode backfills = p.putArray("backfills");
                for (MigrationPlan.Backfill b : phase.backfills()) {
                    ObjectNode n = backfills.addObject();
                    n.put("table", b.table());
                    b.columns().forEach(n.putArray("columns")::add);
                    n.put("rows", b.rows());
                    n.put("rows_estimated", b.rowsEstimated());
                    n.put("walk", b.walk());
                    n.put("batch_size", b.batchSize());
                    n.put("adaptive", b.adaptive());
                    n.put("batches", b.batches());
                    n.put("projected_seconds", b.projectedDuration().toMillis() / 1000.0);
                    n.put("estimate", b.estimate());
                }
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
