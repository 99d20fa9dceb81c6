package io.pgroll.core.explain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a migration would run, built without running it: for start, complete and rollback, every statement in order
 * with the locks it takes and the tables it scans or rewrites, and for the start the backfill.
 *
 * @param migration the migration's name
 * @param schema    the target schema
 * @param phases    start, complete and rollback, in that order
 */
public record MigrationPlan(String migration, String schema, List<Phase> phases) {

    public MigrationPlan {
        phases = List.copyOf(phases);
    }

    /**
     * @param name           {@code start}, {@code complete} or {@code rollback}
     * @param statements     in running order
     * @param backfills      the tables the start backfills (empty for complete and rollback)
     * @param backfillBefore index in {@code statements} of the first statement that runs after the backfill, or -1
     */
    public record Phase(String name, List<Statement> statements, List<Backfill> backfills, int backfillBefore) {
        public Phase {
            statements = List.copyOf(statements);
            backfills = List.copyOf(backfills);
        }
    }

    /**
     * @param step               the transaction (step) the statement belongs to, from 1; statements of one step commit
     *                           together
     * @param operation          index of the migration's operation that planned it, or -1 for pgroll's own statements
     *                           (version schema, views, clean-up)
     * @param operationKey       that operation's key ({@code alter_column}), or null
     * @param sql                the statement
     * @param outsideTransaction whether it runs outside a transaction block (concurrent index builds)
     * @param kind               what the statement is, e.g. {@code ALTER TABLE ... ADD COLUMN}
     * @param recognised         false when its locks are unknown
     * @param locks              the lock taken on each relation
     * @param suggestion         for a statement of a {@code sql} operation, the operation that would do it online
     */
    public record Statement(int step, int operation, String operationKey, String sql, boolean outsideTransaction,
                            String kind, boolean recognised, List<RelationLock> locks, String suggestion) {
        public Statement {
            locks = List.copyOf(locks);
        }
    }

    /**
     * @param relation the relation as the statement names it
     * @param table    the existing table it resolves to in the target schema (an index's table), or null
     * @param mode     the lock mode
     * @param access   none, scan or rewrite
     * @param size     the table's size from the statistics, or null for a table that does not exist yet
     */
    public record RelationLock(String relation, String table, LockMode mode, StatementClassifier.Access access,
                               TableSize size) {

        /** Whether the lock keeps writers (or readers) out while the statement reads or rewrites the whole table. */
        public boolean blocksWhileScanning() {
            return mode.blocksWrites() && access != StatementClassifier.Access.NONE;
        }
    }

    /**
     * @param rows  estimated rows ({@code pg_class.reltuples}; -1 when the table was never analysed or vacuumed)
     * @param pages pages ({@code pg_class.relpages})
     * @param bytes total size with indexes and TOAST ({@code pg_total_relation_size})
     */
    public record TableSize(long rows, long pages, long bytes) {
    }

    /**
     * @param table             the physical table
     * @param columns           the columns the backfill fills
     * @param rows              rows to rewrite (the statistics' estimate, or a count when there are none)
     * @param rowsEstimated     whether {@code rows} comes from the statistics rather than a count
     * @param walk              how batches walk the table: by physical position, over its pages
     * @param batchSize         rows per batch (the first batch when adaptive)
     * @param adaptive          whether batches grow or shrink toward the target batch duration
     * @param batches           projected number of batches
     * @param projectedDuration projected duration of the backfill, delays between batches included
     * @param estimate          how the duration is projected
     */
    public record Backfill(String table, List<String> columns, long rows, boolean rowsEstimated, String walk,
                           int batchSize, boolean adaptive, long batches, Duration projectedDuration, String estimate) {
        public Backfill {
            columns = List.copyOf(columns);
        }
    }

    /** A statement that holds a lock blocking writes while it scans or rewrites more than the allowed rows. */
    public record Blocking(String phase, Statement statement, RelationLock lock) {

        /** One line for CI logs. */
        public String describe() {
            String sql = statement.sql().replaceAll("\\s+", " ");
            return phase + " statement " + statement.step() + " (" + sql.substring(0, Math.min(sql.length(), 120))
                    + (sql.length() > 120 ? "..." : "") + ") holds " + lock.mode().sqlName() + " on "
                    + (lock.table() != null ? lock.table() : lock.relation()) + " while it "
                    + (lock.access() == StatementClassifier.Access.REWRITE ? "rewrites" : "scans") + " ~"
                    + lock.size().rows() + " rows";
        }
    }

    /**
     * The statements that would hold SHARE or a stronger lock (writes blocked) on a table of more than {@code maxRows}
     * estimated rows while scanning or rewriting it.
     */
    public List<Blocking> blocking(long maxRows) {
        List<Blocking> out = new ArrayList<>();
        for (Phase phase : phases) {
            for (Statement s : phase.statements()) {
                for (RelationLock lock : s.locks()) {
                    if (lock.blocksWhileScanning() && lock.size() != null && lock.size().rows() > maxRows) {
                        out.add(new Blocking(phase.name(), s, lock));
                    }
                }
            }
        }
        return out;
    }
}
