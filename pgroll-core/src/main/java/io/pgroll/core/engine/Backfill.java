package io.pgroll.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.Triggers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the new columns of existing rows: each batch is one UPDATE that computes the {@code up} expressions itself
 * (the sync triggers, if already installed, stand aside for this session), so a row costs what a plain bulk UPDATE
 * costs. Each batch is its own transaction: no lock outlives a batch. Rows are walked by primary key (or a unique NOT
 * NULL key) in key ranges, else by physical position up to the table's size at the start; a concurrent update of a
 * row in a batch is seen by the batch's UPDATE, which re-reads the row.
 *
 * <p>When the backfill runs before the triggers exist (see {@link io.pgroll.core.plan.StartSchedule}), rows that
 * clients write meanwhile keep stale new columns; {@link #catchUp} rewrites them once the triggers are in place. They
 * are told apart by their transaction id: the backfill notes the oldest transaction running when it began and the
 * transaction of every batch, and a row written by any other transaction not older than that one is rewritten.
 *
 * <p>With no fixed batch size, batches grow or shrink to take about {@link StartOptions#batchTarget()}: a client
 * that writes a row of the running batch waits for the batch's commit, so the target bounds that wait. Throughput
 * hardly depends on it: a batch's fixed cost (finding its key range by an index-only scan, one commit) is a
 * millisecond or two, small against even a 50 ms batch.
 */
final class Backfill {
    static final int FIRST_ADAPTIVE_BATCH = 5000;
    private static final int MIN_BATCH = 100;
    static final int MAX_BATCH = 200_000;
    /** The passes over a table, as named in its cursor. */
    private static final String FILL = "fill";
    private static final String CATCH_UP = "catchUp";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAILING_ROW = "pgroll: failing row ";
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final StatementRunner runner;
    private final String schema;
    private final StartOptions options;
    private final Progress progress;
    private final Journal journal;
    private final BackfillThrottle throttle;
    /** Per table, the cursor as last saved in the journal (see {@link Cursor}). */
    private final Map<String, Cursor> cursors = new HashMap<>();
    /** Per table, the rows of the fill's last batch: how many rows one batch rewrites in the target time. */
    private final Map<String, Integer> fillBatchRows = new HashMap<>();

    Backfill(StatementRunner runner, String schema, StartOptions options, Progress progress, Journal journal) {
        this.progress = progress;
        this.runner = runner;
        this.schema = schema;
        this.options = options;
        this.journal = journal;
        this.throttle = new BackfillThrottle(runner, options, progress);
    }

    /**
     * Where a table's backfill stands, saved in the journal with every batch: {@code since} (the oldest transaction
     * running when the backfill began), {@code fill} and {@code catchUp} (the next key or page of each pass, or
     * {@code done: true}), and {@code xids}, the transactions of the batches, which the journal adds itself.
     */
    private static final class Cursor {
        final ObjectNode json;

        Cursor(ObjectNode json) {
            this.json = json;
            json.remove("xids");
        }

        boolean done(String pass) {
            return json.path(pass).path("done").asBoolean(false);
        }

        JsonNode at(String pass) {
            return json.path(pass);
        }
    }

    /**
     * Backfills one table with the up triggers that fire on it, from {@code saved} (the journal's cursor where an
     * interrupted run stopped; null to start from the beginning); returns the number of rows rewritten.
     */
    long run(String table, List<TriggerSpec> ups, JsonNode saved) {
        Cursor cursor = saved instanceof ObjectNode o && o.has("since") ? new Cursor(o.deepCopy()) : fresh();
        cursors.put(table, cursor);
        if (cursor.done(FILL)) {
            return 0;
        }
        String regclass = Sql.qualified(schema, table);
        long total = estimateRows(regclass);
        long t0 = System.nanoTime();
        throttle.begin(table);
        return withTriggersAside(() -> {
            List<KeyColumn> key = identity(regclass);
            long done = key.isEmpty()
                    ? byPosition(table, regclass, update(regclass, ups), total, FILL)
                    : byKey(table, regclass, update(regclass, ups), key, total);
            progress.update(table, done, Math.max(done, total));
            LOG.info("backfill of {}: {} rows in {} s", table, done, seconds(t0));
            return done;
        });
    }

    private static String seconds(long startNanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Rewrites the rows of a backfilled table that transactions other than the backfill's wrote since it began; runs
     * once the triggers are installed, which keep every later write in step. Returns the number of rows rewritten.
     */
    long catchUp(String table, List<TriggerSpec> ups) {
        Cursor cursor = cursors.get(table);
        if (cursor.done(CATCH_UP)) {
            return 0;
        }
        String regclass = Sql.qualified(schema, table);
        long t0 = System.nanoTime();
        throttle.begin(table);
        return withTriggersAside(() -> {
            long rows = byPosition(table, regclass, update(regclass, ups), 0, CATCH_UP);
            LOG.info("backfill of {}: {} rows written meanwhile by others rewritten in {} s", table, rows, seconds(t0));
            return rows;
        });
    }

    private Cursor fresh() {
        ObjectNode json = JSON.createObjectNode();
        // The oldest transaction still running: every row it or a later transaction writes may miss the backfill.
        json.put("since", runner.query("SELECT CAST(pg_snapshot_xmin(pg_current_snapshot()) AS xid)::text").get(0).get(0));
        return new Cursor(json);
    }

    private static String update(String regclass, List<TriggerSpec> ups) {
        return "UPDATE " + regclass + " AS r SET " + ups.stream()
                .map(t -> Sql.ident(t.targetColumn()) + " = " + Triggers.bind(t.expression(), t.variables(), "r."))
                .collect(Collectors.joining(", ")) + " WHERE ";
    }

    private long withTriggersAside(java.util.function.LongSupplier work) {
        runner.execute(Step.sql("SET " + Triggers.BACKFILL_SETTING + " = 'on'"));
        Step reset = Step.sql("RESET " + Triggers.BACKFILL_SETTING);
        long rows;
        try {
            rows = work.getAsLong();
        } catch (RuntimeException failure) {
            try {
                runner.execute(reset);
            } catch (RuntimeException alsoFailed) {
                failure.addSuppressed(alsoFailed); // the first failure (a lost connection, say) is what to report
            }
            throw failure;
        }
        runner.execute(reset);
        return rows;
    }

    record KeyColumn(String name, String type) {
    }

    long estimateRows(String regclass) {
        long estimate = (long) Double.parseDouble(runner.query(
                "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)", regclass).get(0).get(0));
        if (estimate > 0) {
            return estimate;
        }
        return Long.parseLong(runner.query("SELECT count(*) FROM " + regclass).get(0).get(0));
    }

    /** The primary key, else the first unique index over NOT NULL plain columns without a predicate. */
    List<KeyColumn> identity(String regclass) {
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
    private long byKey(String table, String regclass, String update, List<KeyColumn> key, long total) {
        Cursor cursor = cursors.get(table);
        String cols = key.stream().map(k -> Sql.ident(k.name())).collect(Collectors.joining(", "));
        String rowKey = "(" + key.stream().map(k -> "r." + Sql.ident(k.name())).collect(Collectors.joining(", ")) + ")";
        // aliased, so that ORDER BY sorts by the key itself and not by its text form (an output column of that name)
        String asText = java.util.stream.IntStream.range(0, key.size())
                .mapToObj(i -> Sql.ident(key.get(i).name()) + "::text AS __pgroll_k" + i).collect(Collectors.joining(", "));
        BatchSizer sizer = new BatchSizer(options);
        long done = 0;
        List<String> lower = null;
        if (cursor.at(FILL).has("key")) {
            lower = new ArrayList<>();
            for (JsonNode v : cursor.at(FILL).get("key")) {
                lower.add(v.asText());
            }
        }
        // Rows inserted after this point are converted by the triggers or the catch-up; the last batch stops at the
        // key that was last now.
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
            done += batch(update, range, table, FILL, upper == null ? Map.of("done", true) : Map.of("key", upper));
            progress.update(table, done, Math.max(done, total));
            if (upper == null) {
                return done;
            }
            lower = upper;
            sizer.record(System.nanoTime() - t0);
            fillBatchRows.put(table, sizer.size());
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

    /**
     * Page ranges of the table up to its size when the pass began (rows written later are converted by the triggers,
     * or by the catch-up): the fallback for a table without a key, and the catch-up's scan, which takes only the rows
     * that other transactions than the backfill's wrote since it began.
     */
    private long byPosition(String table, String regclass, String update, long total, String pass) {
        Cursor cursor = cursors.get(table);
        JsonNode at = cursor.at(pass);
        List<String> sizes = runner.query("SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::int, "
                + "GREATEST(relpages, 1), GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)",
                regclass, regclass).get(0);
        long pages = at.has("pages") ? at.get("pages").asLong() : Long.parseLong(sizes.get(0));
        // Statistics of a table never analysed say nothing; the row count (counted then) does.
        double rowsPerPage = Double.parseDouble(sizes.get(2)) > 0
                ? Double.parseDouble(sizes.get(2)) / Double.parseDouble(sizes.get(1))
                : (double) Math.max(total, 1) / Math.max(1, Long.parseLong(sizes.get(0)));
        rowsPerPage = Math.max(1.0, rowsPerPage);
        // The catch-up follows the time target whatever the configured batch size, and never spans more rows than the
        // fill rewrote in a batch of that target: clients' writes crowd in some ranges (the table's end, say), where
        // every row needs rewriting, and a range grown over sparse ones would then hold its row locks far too long.
        BatchSizer sizer = pass.equals(CATCH_UP)
                ? BatchSizer.atMost(fillBatchRows.getOrDefault(table, FIRST_ADAPTIVE_BATCH), options.batchTarget())
                : new BatchSizer(options);
        long done = 0;
        // The catch-up's condition; the fill's transactions as a constant array, so that each row's is looked up in a
        // hash table (a row the catch-up itself moved further on is merely computed again).
        String othersWrites = !pass.equals(CATCH_UP) ? ""
                : " AND age(r.xmin) <= age(CAST(" + Sql.literal(cursor.json.get("since").asText()) + " AS xid))"
                        + " AND NOT r.xmin = ANY (CAST(" + Sql.literal(journal.read().orElseThrow().backfill()
                        .path(table).path("xids").toString().replace('[', '{').replace(']', '}')) + " AS xid[]))";
        for (long page = at.path("page").asLong(0); page < pages; ) {
            long t0 = System.nanoTime();
            long span = Math.max(1, (long) (sizer.size() / rowsPerPage));
            String range = "r.ctid >= " + Sql.literal("(" + page + ",0)") + "::tid AND r.ctid < "
                    + Sql.literal("(" + (page + span) + ",0)") + "::tid";
            done += batch(update, range + othersWrites, table, pass,
                    page + span >= pages ? Map.of("done", true) : Map.of("page", page + span, "pages", pages));
            if (pass.equals(FILL)) {
                progress.update(table, done, Math.max(done, total));
            }
            page += span;
            sizer.record(System.nanoTime() - t0);
            pause();
        }
        if (pass.equals(FILL)) {
            fillBatchRows.put(table, sizer.size());
        }
        return done;
    }

    /**
     * Runs one batch and records the cursor after it, with the batch's transaction added to the cursor's
     * {@code xids}, in the same statement, so both happen or neither.
     */
    private long batch(String update, String range, String table, String pass, Map<String, Object> position) {
        Cursor cursor = cursors.get(table);
        cursor.json.set(pass, JSON.valueToTree(position));
        long rows;
        try {
            rows = runner.update("WITH j AS (" + journal.recordCursor(table, cursor.json.toString()) + ") " + update
                    + range);
        } catch (DatabaseException e) {
            throw e.connectionLost() ? e : withFailingRow(table, update, range, e);
        }
        FaultPoints.reached("backfill.batch");
        return rows;
    }

    /**
     * The error of a failed batch, with the key of the first row that fails (PostgreSQL names no row when an
     * {@code up} expression fails). The batch is run again row by row, and rolled back whatever happens.
     */
    private DatabaseException withFailingRow(String table, String update, String range, DatabaseException failure) {
        String regclass = Sql.qualified(schema, table);
        List<KeyColumn> key = identity(regclass);
        String rowKey = key.isEmpty() ? "'ctid ' || r.ctid::text"
                : "format('(%s)=(%s)', concat_ws(', ', " + key.stream().map(k -> "quote_ident(" + Sql.literal(k.name())
                + ")").collect(Collectors.joining(", ")) + "), concat_ws(', ', " + key.stream()
                .map(k -> "r." + Sql.ident(k.name())).collect(Collectors.joining(", ")) + "))";
        String body = "DECLARE\n  k record;\nBEGIN\n  FOR k IN SELECT r.ctid AS row_id, " + rowKey + " AS row_key FROM "
                + regclass + " AS r WHERE " + range + " LOOP\n    BEGIN\n      " + update + "r.ctid = k.row_id;\n"
                + "    EXCEPTION WHEN OTHERS THEN\n      RAISE EXCEPTION USING MESSAGE = " + Sql.literal(FAILING_ROW)
                + " || k.row_key;\n    END;\n  END LOOP;\n  RAISE EXCEPTION USING MESSAGE = " + Sql.literal(FAILING_ROW)
                + ";\nEND;";
        try {
            runner.execute(Step.sql("DO " + Sql.dollarQuote(body)));
        } catch (DatabaseException diagnosis) {
            String message = diagnosis.getMessage();
            if (message.startsWith(FAILING_ROW) && message.length() > FAILING_ROW.length()) {
                return new DatabaseException("backfill of table \"" + table + "\" failed at the row "
                        + message.substring(FAILING_ROW.length()) + ": " + failure.getMessage(), failure.statement(),
                        failure);
            }
        }
        return failure;
    }

    private void pause() {
        throttle.afterBatch();
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
        private final long targetNanos;
        private final int ceiling;
        private int size;

        BatchSizer(StartOptions options) {
            this(options.batchSize() == StartOptions.AUTO_BATCH_SIZE, options.batchSize() == StartOptions.AUTO_BATCH_SIZE
                    ? FIRST_ADAPTIVE_BATCH : options.batchSize(), MAX_BATCH, options.batchTarget());
        }

        private BatchSizer(boolean adaptive, int first, int ceiling, Duration target) {
            this.adaptive = adaptive;
            this.size = first;
            this.ceiling = ceiling;
            this.targetNanos = target.toNanos();
        }

        /** Adaptive batches of at most {@code rows} rows, starting there. */
        static BatchSizer atMost(int rows, Duration target) {
            return new BatchSizer(true, rows, rows, target);
        }

        int size() {
            return size;
        }

        void record(long elapsedNanos) {
            if (!adaptive) {
                return;
            }
            double ratio = (double) targetNanos / Math.max(1, elapsedNanos);
            // Slow growth and quick shrinking: a batch that overshoots holds its rows' locks past the target, one that
            // undershoots costs only a little throughput.
            double factor = Math.max(0.25, Math.min(1.5, ratio));
            size = (int) Math.max(MIN_BATCH, Math.min(ceiling, size * factor));
        }
    }

    /**
     * Hears after every batch how far the backfill of a table is (the last report of a table repeats its numbers), and
     * when the backfill waits for standbys (see {@link BackfillThrottle}).
     */
    interface Progress {
        void update(String table, long rowsDone, long rowsTotal);

        /** Sent when a wait begins and again now and then while it lasts. */
        void waiting(String table, String reason);

        void resumed(String table, Duration waited);
    }
}
