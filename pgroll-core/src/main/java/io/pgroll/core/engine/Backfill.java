package io.pgroll.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.Triggers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Fills the new columns of existing rows: each batch is one UPDATE that computes the {@code up} expressions itself
 * (the sync triggers stand aside for this session), so a row costs what a plain bulk UPDATE costs. Each batch is its
 * own transaction: no lock outlives a batch. Rows are walked by primary key (or a unique NOT NULL key) in key ranges,
 * else by physical position up to the table's size at the start; rows written concurrently are converted by the
 * triggers, and a concurrent update of a row in a batch is seen by the batch's UPDATE, which re-reads the row.
 *
 * <p>With no fixed batch size, batches grow or shrink to take about {@link #TARGET_BATCH_MILLIS}: long enough to
 * run near bulk speed, short enough that a client waiting on a row lock of the batch is not held up for long.
 */
final class Backfill {
    static final long TARGET_BATCH_MILLIS = 400;
    private static final int FIRST_ADAPTIVE_BATCH = 5000;
    private static final int MIN_BATCH = 100;
    private static final int MAX_BATCH = 200_000;

    private final StatementRunner runner;
    private final String schema;
    private final StartOptions options;
    private final Journal journal;

    Backfill(StatementRunner runner, String schema, StartOptions options, Journal journal) {
        this.runner = runner;
        this.schema = schema;
        this.options = options;
        this.journal = journal;
    }

    /**
     * Backfills one table with the up triggers that fire on it, from {@code cursor} (where an interrupted run
     * stopped; null to start from the beginning); returns the number of rows rewritten.
     */
    long run(String table, List<TriggerSpec> ups, JsonNode cursor) {
        if (cursor != null && cursor.path("done").asBoolean(false)) {
            return 0;
        }
        String regclass = Sql.qualified(schema, table);
        String assignments = ups.stream()
                .map(t -> Sql.ident(t.targetColumn()) + " = " + Triggers.bind(t.expression(), t.variables(), "r."))
                .collect(Collectors.joining(", "));
        String update = "UPDATE " + regclass + " AS r SET " + assignments + " WHERE ";
        long total = estimateRows(regclass);
        runner.execute(Step.sql("SET " + Triggers.BACKFILL_SETTING + " = 'on'"));
        try {
            List<KeyColumn> key = identity(regclass);
            long done = key.isEmpty() ? byPosition(table, regclass, update, total, cursor)
                    : byKey(table, regclass, update, key, total, cursor);
            options.progress().update(table, done, Math.max(done, total));
            return done;
        } finally {
            runner.execute(Step.sql("RESET " + Triggers.BACKFILL_SETTING));
        }
    }

    private record KeyColumn(String name, String type) {
    }

    private long estimateRows(String regclass) {
        long estimate = (long) Double.parseDouble(runner.query(
                "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)", regclass).get(0).get(0));
        if (estimate > 0) {
            return estimate;
        }
        return Long.parseLong(runner.query("SELECT count(*) FROM " + regclass).get(0).get(0));
    }

    /** The primary key, else the first unique index over NOT NULL plain columns without a predicate. */
    private List<KeyColumn> identity(String regclass) {
        List<List<String>> rows = runner.query("""
                SELECT i.indexrelid::text, a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_index i
                JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON true
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = CAST(? AS regclass) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                  AND i.indexprs IS NULL
                  AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) x(attnum)
                                  JOIN pg_attribute n ON n.attrelid = i.indrelid AND n.attnum = x.attnum
                                  WHERE NOT n.attnotnull)
                ORDER BY i.indisprimary DESC, i.indexrelid, k.ord
                """, regclass);
        if (rows.isEmpty()) {
            return List.of();
        }
        String chosen = rows.get(0).get(0);
        return rows.stream().filter(r -> r.get(0).equals(chosen)).map(r -> new KeyColumn(r.get(1), r.get(2))).toList();
    }

    /**
     * Key ranges: each batch finds the key {@code size} rows ahead of where the last one stopped (an index-only scan)
     * and updates the rows in between. Keys are written into the SQL as literals so that every statement is planned
     * for its actual range; a generic plan for "OFFSET $n" may sort the whole table.
     */
    private long byKey(String table, String regclass, String update, List<KeyColumn> key, long total,
                       JsonNode cursor) {
        String cols = key.stream().map(k -> Sql.ident(k.name())).collect(Collectors.joining(", "));
        String rowKey = "(" + key.stream().map(k -> "r." + Sql.ident(k.name())).collect(Collectors.joining(", ")) + ")";
        // aliased, so that ORDER BY sorts by the key itself and not by its text form (an output column of that name)
        String asText = java.util.stream.IntStream.range(0, key.size())
                .mapToObj(i -> Sql.ident(key.get(i).name()) + "::text AS __pgroll_k" + i).collect(Collectors.joining(", "));
        BatchSizer sizer = new BatchSizer(options.batchSize());
        long done = 0;
        List<String> lower = null;
        if (cursor != null && cursor.has("key")) {
            lower = new java.util.ArrayList<>();
            for (JsonNode v : cursor.get("key")) {
                lower.add(v.asText());
            }
        }
        // Rows inserted after this point are converted by the triggers; the last batch stops at the key that was last now.
        List<List<String>> lastRow = runner.query("SELECT " + asText + " FROM " + regclass + " ORDER BY "
                + key.stream().map(k -> Sql.ident(k.name()) + " DESC").collect(Collectors.joining(", ")) + " LIMIT 1");
        List<String> last = lastRow.isEmpty() ? null : lastRow.get(0);
        while (true) {
            long t0 = System.nanoTime();
            List<List<String>> upperRow = runner.query("SELECT " + asText + " FROM " + regclass
                    + (lower == null ? "" : " WHERE (" + cols + ") > " + literal(key, lower))
                    + " ORDER BY " + cols + " OFFSET " + (sizer.size() - 1) + " LIMIT 1");
            List<String> upper = upperRow.isEmpty() ? null : upperRow.get(0);
            List<String> until = upper != null ? upper : last;
            String range = (lower == null ? "true" : rowKey + " > " + literal(key, lower))
                    + (until == null ? "" : " AND " + rowKey + " <= " + literal(key, until));
            String next = upper == null ? Journal.toJson(java.util.Map.of("done", true))
                    : Journal.toJson(java.util.Map.of("key", upper));
            done += batch(update + range, table, next);
            options.progress().update(table, done, Math.max(done, total));
            if (upper == null) {
                return done;
            }
            lower = upper;
            sizer.record(System.nanoTime() - t0);
            pause();
        }
    }

    /** A key value as a row of typed literals. */
    private static String literal(List<KeyColumn> key, List<String> values) {
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            parts.add("CAST(" + Sql.literal(values.get(i)) + " AS " + key.get(i).type() + ")");
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private long byPosition(String table, String regclass, String update, long total, JsonNode cursor) {
        List<String> sizes = runner.query("SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::int, "
                + "GREATEST(relpages, 1), GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)",
                regclass, regclass).get(0);
        // The table's size when the backfill began: rows written later are converted by the triggers.
        long pages = cursor != null && cursor.has("pages") ? cursor.get("pages").asLong() : Long.parseLong(sizes.get(0));
        // Statistics of a table never analysed say nothing; the row count (counted then) does.
        double rowsPerPage = Double.parseDouble(sizes.get(2)) > 0
                ? Double.parseDouble(sizes.get(2)) / Double.parseDouble(sizes.get(1))
                : (double) total / Math.max(1, Long.parseLong(sizes.get(0)));
        rowsPerPage = Math.max(1.0, rowsPerPage);
        BatchSizer sizer = new BatchSizer(options.batchSize());
        long done = 0;
        for (long page = cursor != null && cursor.has("page") ? cursor.get("page").asLong() : 0; page < pages; ) {
            long t0 = System.nanoTime();
            long span = Math.max(1, (long) (sizer.size() / rowsPerPage));
            String next = page + span >= pages ? Journal.toJson(java.util.Map.of("done", true))
                    : Journal.toJson(java.util.Map.of("page", page + span, "pages", pages));
            done += batch(update + "r.ctid >= " + Sql.literal("(" + page + ",0)") + "::tid AND r.ctid < "
                    + Sql.literal("(" + (page + span) + ",0)") + "::tid", table, next);
            options.progress().update(table, done, Math.max(done, total));
            page += span;
            sizer.record(System.nanoTime() - t0);
            pause();
        }
        return done;
    }

    /** Runs one batch and records the cursor after it in the same statement, so both happen or neither. */
    private long batch(String update, String table, String cursorAfter) {
        long rows = Long.parseLong(runner.query("WITH u AS (" + update + " RETURNING 1), j AS ("
                + journal.recordCursor(table, cursorAfter) + ") SELECT count(*) FROM u").get(0).get(0));
        FaultPoints.reached("backfill.batch");
        return rows;
    }

    private void pause() {
        if (options.batchDelay().isZero()) {
            return;
        }
        try {
            Thread.sleep(options.batchDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgRollException("backfill interrupted");
        }
    }

    /** A fixed batch size, or (for {@link StartOptions#AUTO_BATCH_SIZE}) one steered toward the target duration. */
    private static final class BatchSizer {
        private final boolean adaptive;
        private int size;

        BatchSizer(int configured) {
            this.adaptive = configured == StartOptions.AUTO_BATCH_SIZE;
            this.size = adaptive ? FIRST_ADAPTIVE_BATCH : configured;
        }

        int size() {
            return size;
        }

        void record(long elapsedNanos) {
            if (!adaptive) {
                return;
            }
            double ratio = (double) (TARGET_BATCH_MILLIS * 1_000_000) / Math.max(1, elapsedNanos);
            double factor = Math.max(0.5, Math.min(4.0, ratio));
            size = (int) Math.max(MIN_BATCH, Math.min(MAX_BATCH, size * factor));
        }
    }
}
