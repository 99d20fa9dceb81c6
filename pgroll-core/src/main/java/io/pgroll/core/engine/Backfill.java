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
 * costs. Each batch is its own transaction: no lock outlives a batch. Rows are walked by physical position, in page
 * ranges up to the table's size at the start. A row that a client updates while the fill runs is left to whoever
 * wrote it: the triggers, if installed, or else the catch-up (the batch's UPDATE, re-reading a row updated under it,
 * skips it when its new version lies outside the batch's pages).
 *
 * <p>When the backfill runs before the triggers exist (see {@link io.pgroll.core.plan.StartSchedule}), rows that
 * clients write meanwhile keep stale new columns; {@link #catchUp} rewrites them once the triggers are in place. They
 * are told apart by their transaction id: the backfill notes the oldest transaction running when it began and the
 * transaction of every batch, and a row written by any other transaction not older than that one, and not newer than
 * the triggers, is rewritten.
 *
 * <p>With no fixed batch size, batches grow or shrink to take about {@link StartOptions#batchTarget()}: a client
 * that writes a row of the running batch waits for the batch's commit, so the target bounds that wait. Throughput
 * hardly depends on it: a batch's fixed cost (a statement and its commit) is about a millisecond, small against even
 * a 50 ms batch.
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
            long done = byPosition(table, regclass, update(regclass, ups), total);
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
            long rows = catchUpByPosition(table, regclass, update(regclass, ups));
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

    long estimateRows(String regclass) {
        long estimate = (long) Double.parseDouble(runner.query(
                "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)", regclass).get(0).get(0));
        if (estimate > 0) {
            return estimate;
        }
        return Long.parseLong(runner.query("SELECT count(*) FROM " + regclass).get(0).get(0));
    }

    /**
     * The columns that name a row in messages: the primary key, else the first unique index over NOT NULL plain
     * columns without a predicate; none when the table has no such key.
     */
    private List<String> identity(String regclass) {
        List<List<String>> rows = runner.query("""
                SELECT i.indexrelid::text, a.attname
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
        return rows.stream().filter(r -> r.get(0).equals(chosen)).map(r -> r.get(1)).toList();
    }

    /** The table's size in pages now, and its estimated live rows per page. */
    private record Shape(long pages, double rowsPerPage) {
    }

    private Shape shape(String regclass, long total) {
        List<String> sizes = runner.query("SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::int, "
                + "GREATEST(relpages, 1), GREATEST(reltuples, 0) FROM pg_class WHERE oid = CAST(? AS regclass)",
                regclass, regclass).get(0);
        long pages = Long.parseLong(sizes.get(0));
        // Statistics of a table never analysed say nothing; the row count (counted then) does.
        double rowsPerPage = Double.parseDouble(sizes.get(2)) > 0
                ? Double.parseDouble(sizes.get(2)) / Double.parseDouble(sizes.get(1))
                : (double) Math.max(total, 1) / Math.max(1, pages);
        return new Shape(pages, Math.max(1.0, rowsPerPage));
    }

    /**
     * The fill: page ranges of the table up to its size when the fill began, each rewritten by one UPDATE that reads
     * them in physical order, as a bulk UPDATE does (a walk by key reads the heap through the index, at random where
     * key order is not the table's order). Rows written later, past that size or behind the fill, are converted by
     * the triggers, or by the catch-up. A row the fill moves into a page it has yet to reach is merely computed again.
     */
    private long byPosition(String table, String regclass, String update, long total) {
        JsonNode at = cursors.get(table).at(FILL);
        Shape shape = shape(regclass, total);
        long pages = at.has("pages") ? at.get("pages").asLong() : shape.pages();
        BatchSizer sizer = new BatchSizer(options);
        long done = 0;
        for (long page = at.path("page").asLong(0); page < pages; ) {
            long t0 = System.nanoTime();
            long span = Math.max(1, (long) (sizer.size() / shape.rowsPerPage()));
            done += batch(update, pageRange(page, page + span), table, FILL,
                    page + span >= pages ? Map.of("done", true) : Map.of("page", page + span, "pages", pages));
            progress.update(table, done, Math.max(done, total));
            page += span;
            sizer.record(System.nanoTime() - t0);
            fillBatchRows.put(table, sizer.size());
            pause();
        }
        return done;
    }

    private static String pageRange(long from, long to) {
        return "r.ctid >= " + Sql.literal("(" + from + ",0)") + "::tid AND r.ctid < " + Sql.literal("(" + to + ",0)")
                + "::tid";
    }

    /**
     * The catch-up: finds, up to the table's size when the pass began, the rows that transactions other than the
     * backfill's wrote since it began, and rewrites them. Most rows need nothing, so the table is read in page ranges
     * by plain reads, which lock no row and so may span far more rows than a batch; only the rows found are then
     * rewritten, by their position, in batches sized to the target time and never larger than the fill's (clients'
     * writes crowd in some ranges, the table's end say, where every row needs rewriting). Rows written after the
     * triggers arrived are left out, so the pass does not chase the clients. A row that changed since it was found
     * was written with the triggers in place and is left as it is: the UPDATE, re-reading it, no longer finds it at
     * that position.
     */
    private long catchUpByPosition(String table, String regclass, String update) {
        Cursor cursor = cursors.get(table);
        JsonNode at = cursor.at(CATCH_UP);
        Shape shape = shape(regclass, 0);
        long pages = at.has("pages") ? at.get("pages").asLong() : shape.pages();
        int batchRows = fillBatchRows.getOrDefault(table, FIRST_ADAPTIVE_BATCH);
        // The catch-up follows the time target whatever the configured batch size. Rows found are scattered, each
        // rewrite dirtying a page of its own, so the rewrites are sized by their own time, from a tenth of a fill
        // batch's rows.
        BatchSizer scan = BatchSizer.atMost(batchRows, MAX_BATCH, options.batchTarget());
        BatchSizer rewrite = BatchSizer.atMost(Math.max(MIN_BATCH, batchRows / 10), batchRows, options.batchTarget());
        // Transactions given an id from now on write with the triggers in place (these are installed), and so do
        // the catch-up's own batches: their rows need nothing, however many clients write meanwhile.
        String triggersOn = runner.query("SELECT CAST(pg_snapshot_xmax(pg_current_snapshot()) AS xid)::text").get(0).get(0);
        // The fill's transactions as a constant array, so that each row's is looked up in a hash table. A fill of an
        // empty table ran none.
        JsonNode xids = journal.read().orElseThrow().backfill().path(table).path("xids");
        String othersWrites = " AND age(r.xmin) <= age(CAST(" + Sql.literal(cursor.json.get("since").asText()) + " AS xid))"
                + " AND age(r.xmin) > age(CAST(" + Sql.literal(triggersOn) + " AS xid))"
                + " AND NOT r.xmin = ANY (CAST(" + Sql.literal(xids.isArray() ? xids.toString().replace('[', '{')
                .replace(']', '}') : "{}") + " AS xid[]))";
        long done = 0;
        String after = "(" + at.path("page").asLong(0) + ",0)"; // offsets start at 1: all of that page
        while (true) {
            long page = pageOf(after);
            if (page >= pages) {
                return done;
            }
            long t0 = System.nanoTime();
            long end = Math.min(pages, page + Math.max(1, (long) (scan.size() / shape.rowsPerPage())));
            List<String> found = runner.query("SELECT r.ctid::text FROM " + regclass + " AS r WHERE r.ctid > "
                    + Sql.literal(after) + "::tid AND r.ctid < " + Sql.literal("(" + end + ",0)") + "::tid"
                    + othersWrites + " ORDER BY r.ctid LIMIT " + rewrite.size()).stream().map(row -> row.get(0)).toList();
            scan.record(System.nanoTime() - t0);
            // a full batch may leave rows in the range: the next read goes on after the last row found
            after = found.size() == rewrite.size() ? found.get(found.size() - 1) : "(" + end + ",0)";
            String ctids = found.stream().map(c -> '"' + c + '"').collect(Collectors.joining(",", "{", "}"));
            long t1 = System.nanoTime();
            done += batch(update, "r.ctid = ANY (CAST(" + Sql.literal(ctids) + " AS tid[]))", table, CATCH_UP,
                    pageOf(after) >= pages ? Map.of("done", true) : Map.of("page", pageOf(after), "pages", pages));
            if (!found.isEmpty()) {
                rewrite.record(System.nanoTime() - t1);
            }
            pause();
        }
    }

    /** The page of a row position written as text, {@code (page,offset)}. */
    private static long pageOf(String tid) {
        return Long.parseLong(tid.substring(1, tid.indexOf(',')));
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
        FaultPoints.reached("backfill." + pass);
        return rows;
    }

    /**
     * The error of a failed batch, with the key of the first row that fails (PostgreSQL names no row when an
     * {@code up} expression fails). The batch is run again row by row, and rolled back whatever happens.
     */
    private DatabaseException withFailingRow(String table, String update, String range, DatabaseException failure) {
        String regclass = Sql.qualified(schema, table);
        List<String> key = identity(regclass);
        String rowKey = key.isEmpty() ? "'ctid ' || r.ctid::text"
                : "format('(%s)=(%s)', concat_ws(', ', " + key.stream().map(k -> "quote_ident(" + Sql.literal(k)
                + ")").collect(Collectors.joining(", ")) + "), concat_ws(', ', " + key.stream()
                .map(k -> "r." + Sql.ident(k)).collect(Collectors.joining(", ")) + "))";
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

        /** Adaptive batches of at most {@code ceiling} rows, starting at {@code first}. */
        static BatchSizer atMost(int first, int ceiling, Duration target) {
            return new BatchSizer(true, first, ceiling, target);
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
