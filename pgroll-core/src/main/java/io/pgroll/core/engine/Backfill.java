package io.pgroll.core.engine;

import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rewrites every existing row of a table in short batches so that its sync triggers fire and fill the new columns.
 * Each batch is one statement, hence its own transaction: no lock outlives a batch. Rows are walked by primary key
 * (or a unique NOT NULL key) with keyset pagination, else by physical position up to the table's size at the start;
 * rows written concurrently are handled by the triggers themselves.
 */
final class Backfill {

    private final StatementRunner runner;
    private final String schema;
    private final StartOptions options;

    Backfill(StatementRunner runner, String schema, StartOptions options) {
        this.runner = runner;
        this.schema = schema;
        this.options = options;
    }

    void run(String table, String touchColumn) {
        String regclass = Sql.qualified(schema, table);
        long total = estimateRows(regclass);
        List<KeyColumn> key = identity(regclass);
        long done = key.isEmpty() ? byPosition(table, regclass, touchColumn, total)
                : byKey(table, regclass, touchColumn, key, total);
        options.progress().update(table, done, Math.max(done, total));
    }

    private record KeyColumn(String name, String type) {
    }

    private long estimateRows(String regclass) {
        long estimate = (long) Double.parseDouble(runner.query(
                "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = ?::regclass", regclass).get(0).get(0));
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
                WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
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

    private long byKey(String table, String regclass, String touchColumn, List<KeyColumn> key, long total) {
        String cols = key.stream().map(k -> Sql.ident(k.name())).collect(Collectors.joining(", "));
        String tuple = "(" + cols + ")";
        String batchTuple = "(" + key.stream().map(k -> "b." + Sql.ident(k.name())).collect(Collectors.joining(", ")) + ")";
        String tableTuple = "(" + key.stream().map(k -> "t." + Sql.ident(k.name())).collect(Collectors.joining(", ")) + ")";
        String bound = "(" + key.stream().map(k -> "CAST(? AS " + k.type() + ")").collect(Collectors.joining(", ")) + ")";
        String lastKey = key.stream().map(k -> "l." + Sql.ident(k.name()) + "::text").collect(Collectors.joining(", "));
        String order = key.stream().map(k -> Sql.ident(k.name()) + " DESC").collect(Collectors.joining(", "));
        String touch = Sql.ident(touchColumn);
        String template = "WITH b AS (SELECT " + cols + " FROM " + regclass + " %s ORDER BY " + cols + " LIMIT "
                + options.batchSize() + "), u AS (UPDATE " + regclass + " t SET " + touch + " = t." + touch
                + " FROM b WHERE " + tableTuple + " = " + batchTuple + " RETURNING 1) "
                + "SELECT (SELECT count(*) FROM u), " + lastKey + " FROM (SELECT * FROM b ORDER BY " + order
                + " LIMIT 1) l";
        String first = String.format(template, "");
        String next = String.format(template, "WHERE " + tuple + " > " + bound);
        long done = 0;
        Object[] last = null;
        while (true) {
            List<List<String>> rows = last == null ? runner.query(first) : runner.query(next, last);
            if (rows.isEmpty()) {
                return done;
            }
            List<String> row = rows.get(0);
            done += Long.parseLong(row.get(0));
            last = row.subList(1, row.size()).toArray();
            options.progress().update(table, done, Math.max(done, total));
            pause();
        }
    }

    private long byPosition(String table, String regclass, String touchColumn, long total) {
        List<String> sizes = runner.query("SELECT pg_relation_size(?::regclass) / current_setting('block_size')::int, "
                + "GREATEST(relpages, 1), GREATEST(reltuples, 0) FROM pg_class WHERE oid = ?::regclass",
                regclass, regclass).get(0);
        long pages = Long.parseLong(sizes.get(0));
        double rowsPerPage = Math.max(1.0, Double.parseDouble(sizes.get(2)) / Double.parseDouble(sizes.get(1)));
        long pagesPerBatch = Math.max(1, (long) (options.batchSize() / rowsPerPage));
        String touch = Sql.ident(touchColumn);
        String sql = "UPDATE " + regclass + " SET " + touch + " = " + touch
                + " WHERE ctid >= CAST(? AS tid) AND ctid < CAST(? AS tid)";
        long done = 0;
        for (long page = 0; page < pages; page += pagesPerBatch) {
            done += updateCount(sql, "(" + page + ",0)", "(" + (page + pagesPerBatch) + ",0)");
            options.progress().update(table, done, Math.max(done, total));
            pause();
        }
        return done;
    }

    private long updateCount(String sql, String from, String to) {
        return Long.parseLong(runner.query("WITH u AS (" + sql + " RETURNING 1) SELECT count(*) FROM u", from, to)
                .get(0).get(0));
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
}
