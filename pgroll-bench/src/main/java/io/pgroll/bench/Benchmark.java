package io.pgroll.bench;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.StartResult;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.StartOptions;
import io.pgroll.core.migration.MigrationReader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures, side by side in one run on one embedded PostgreSQL server: backfill throughput against a bulk UPDATE,
 * write throughput while sync triggers are on against no migration, and what clients feel while each operation
 * starts and completes against the plain ALTER TABLE a classic migration tool would run, and backfill throughput on a
 * wide table with several indexes against a bulk UPDATE of an identical table. Prints Markdown tables and
 * saves them under bench/results/.
 *
 * <p>Arguments: {@code --sizes 100000,1000000,10000000} (backfill table sizes), {@code --rows 1000000} (table size
 * of the write runs), {@code --impact-rows 1000000,10000000} (table sizes of the client-impact runs; the lock-timeout
 * comparison runs at the first),
 * {@code --wide-sizes 1000000,10000000} (sizes of the wide, indexed table), {@code --wide-fillfactors 100} (e.g. {@code 100,70})
 * (fillfactors it is measured with), {@code --lock-timeouts 500,100,50,20} (lock timeouts per DDL attempt, in ms,
 * that the client-impact part compares behind long transactions; empty to skip), {@code --out bench/results}, {@code --skip-backfill}, {@code --skip-writes},
 * {@code --skip-impact}, {@code --skip-wide}.
 */
public final class Benchmark {

    private final EmbeddedPostgres server;
    private final StringBuilder report = new StringBuilder();
    private int databases;

    private Benchmark(EmbeddedPostgres server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        List<Long> sizes = List.of(100_000L, 1_000_000L, 10_000_000L);
        List<Long> wideSizes = List.of(1_000_000L, 10_000_000L);
        List<Long> fillfactors = List.of(100L);
        List<Long> lockTimeouts = List.of(500L, 100L, 50L, 20L);
        long rows = 1_000_000L;
        List<Long> impactRows = List.of(1_000_000L, 10_000_000L);
        Path out = Path.of("bench/results");
        boolean impact = true;
        boolean backfill = true;
        boolean writes = true;
        boolean wide = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = numbers(args[++i]);
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--impact-rows" -> impactRows = numbers(args[++i]);
                case "--wide-sizes" -> wideSizes = numbers(args[++i]);
                case "--wide-fillfactors" -> fillfactors = numbers(args[++i]);
                case "--lock-timeouts" -> lockTimeouts = numbers(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--skip-impact" -> impact = false;
                case "--skip-backfill" -> backfill = false;
                case "--skip-writes" -> writes = false;
                case "--skip-wide" -> wide = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("shared_buffers", "1GB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "1h")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("max_connections", "100")
                .start()) {
            Benchmark b = new Benchmark(server);
            b.header(args, sizes, rows, impactRows, wideSizes);
            if (backfill) {
                long t0 = System.nanoTime();
                b.backfill(sizes);
                took("backfill", t0);
            }
            if (writes) {
                long t0 = System.nanoTime();
                b.writes(rows);
                took("writes", t0);
            }
            if (impact) {
                long t0 = System.nanoTime();
                for (long n : impactRows) {
                    ClientImpact clientImpact = new ClientImpact(b, n);
                    clientImpact.run();
                    if (n == impactRows.get(0) && !lockTimeouts.isEmpty()) {
                        clientImpact.lockTimeouts(lockTimeouts.stream().map(Duration::ofMillis).toList());
                    }
                }
                took("client impact", t0);
            }
            if (wide) {
                long t0 = System.nanoTime();
                b.wide(wideSizes, fillfactors);
                took("wide table", t0);
            }
            Files.createDirectories(out);
            Path file = out.resolve(LocalDate.now() + "-pg" + b.serverVersion().split("\\.")[0] + ".md");
            Files.writeString(file, b.report.toString());
            System.out.println("\nsaved to " + file);
        }
    }

    private static List<Long> numbers(String list) {
        return list.isBlank() ? List.of() : Arrays.stream(list.split(",")).map(String::trim).map(Long::parseLong).toList();
    }

    /** Tells on stdout, not in the report, how long a section took: a full run takes most of an hour. */
    private static void took(String section, long startNanos) {
        System.out.printf(Locale.ROOT, "(%s took %.0f s)%n%n", section, seconds(System.nanoTime() - startNanos));
    }

    // ---- helpers shared with ClientImpact ------------------------------------------------------------------------

    String newDatabase() throws SQLException {
        String name = "bench_" + (++databases);
        try (Connection c = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        }
        return server.getJdbcUrl("postgres", name);
    }

    /** Drops a database made by {@link #newDatabase}, so that rounds do not fill the disk. */
    void dropDatabase(String url) throws SQLException {
        String name = url.substring(url.lastIndexOf('/') + 1).split("\\?")[0];
        sql(server.getJdbcUrl("postgres", "postgres"), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static String scalar(String url, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static PgRoll roll(String url) {
        return roll(url, PgRollListener.NONE);
    }

    static PgRoll roll(String url, PgRollListener listener) {
        return roll(url, PgRollConfig.DEFAULT_LOCK_TIMEOUT, listener);
    }

    static PgRoll roll(String url, Duration lockTimeout, PgRollListener listener) {
        PgRoll roll = PgRoll.configure().url(url).lockTimeout(lockTimeout).listener(listener).load();
        roll.init();
        return roll;
    }

    static StartResult start(PgRoll roll, String name, String json) {
        return roll.start(MigrationReader.parse(name + ".json", json), StartOptions.defaults());
    }

    /** users(id bigserial pk, name text, value int not null, note text), created by a migration, with n rows. */
    static void usersTable(PgRoll roll, String url, String table, long n) throws SQLException {
        start(roll, "01_" + table, """
                {"operations":[{"create_table":{"name":"%s","columns":[
                  {"name":"id","type":"bigserial","pk":true},
                  {"name":"name","type":"text","nullable":true},
                  {"name":"value","type":"integer"},
                  {"name":"note","type":"text","nullable":true}]}}]}""".formatted(table));
        roll.complete();
        fill(url, table, n);
    }

    /** The same table as a classic migration tool would have it: created by plain SQL, no version views. */
    static void plainUsersTable(String url, long n) throws SQLException {
        sql(url, "CREATE TABLE users (id bigserial PRIMARY KEY, name text, value integer NOT NULL, note text)");
        fill(url, "users", n);
    }

    private static void fill(String url, String table, long n) throws SQLException {
        sql(url, "INSERT INTO " + table + " (name, value, note) SELECT 'user_' || i, (i::bigint * 7919) % 1000003, "
                + "CASE WHEN i % 10 = 0 THEN NULL ELSE 'note' END FROM generate_series(1, " + n + ") i",
                "VACUUM ANALYZE " + table);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    void println(String line) {
        System.out.println(line);
        report.append(line).append('\n');
    }

    String serverVersion() throws SQLException {
        return scalar(server.getJdbcUrl("postgres", "postgres"), "SHOW server_version");
    }

    private void header(String[] args, List<Long> sizes, long rows, List<Long> impactRows, List<Long> wideSizes)
            throws SQLException, IOException {
        println("# pgroll for Java: benchmark results");
        println("");
        println("- date: " + LocalDate.now());
        println("- PostgreSQL " + serverVersion() + " (embedded binaries from Maven Central), shared_buffers=1GB, "
                + "synchronous_commit=off, max_wal_size=8GB");
        println("- machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (Runtime.getRuntime().maxMemory() / (1 << 20)) + " MiB JVM heap, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        println("- kernel.sched_autogroup_enabled=" + autogroup() + " (see bench/run: with 1, the kernel shares the "
                + "CPU between sessions first, and the server, which runs in a session of its own, leaves client "
                + "backends waiting 100-250 ms for a CPU while the backfill runs)");
        println("- command: `" + String.join(" ", Stream.concat(Stream.of("bench/run"), Arrays.stream(args)).toList())
                + "` (backfill sizes " + sizes + ", write table " + rows + " rows, client-impact table sizes " + impactRows
                + ", wide table sizes " + wideSizes + ")");
        println("");
    }

    /** The kernel's session-based CPU grouping, which bench/run turns off for the run when it may; - when absent. */
    private static String autogroup() throws IOException {
        Path setting = Path.of("/proc/sys/kernel/sched_autogroup_enabled");
        return Files.isReadable(setting) ? Files.readString(setting).trim() : "-";
    }

    // ---- 1. backfill throughput ------------------------------------------------------------------------------

    /**
     * Each size is measured in three rounds, each round a bulk UPDATE and then the backfill of a table of its own,
     * seconds apart; the table gives the medians, so that one disturbed round on a shared machine does not decide the
     * figure (at 10M rows, one bulk UPDATE took from 37 to 45 s in the rounds of one day).
     */
    private void backfill(List<Long> sizes) throws SQLException {
        println("## Backfill: alter_column type change (integer to bigint, up/down casts) vs one bulk UPDATE");
        println("");
        println("Each round: a fresh table, one bulk `UPDATE` of a new column, then pgroll start on an identical table "
                + "(backfill time: the fill, installing the triggers and the catch-up pass). Medians over the rounds; "
                + "the ratio column is the median of the rounds' ratios, with their range.");
        println("");
        println("| rows | rounds | bulk UPDATE rows/s | pgroll backfill rows/s | ratio (range) | start total s | complete s |");
        println("|---:|---:|---:|---:|---|---:|---:|");
        for (long n : sizes) {
            int rounds = 3;
            List<Double> bulk = new ArrayList<>();
            List<Double> backfill = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            List<Double> start = new ArrayList<>();
            List<Double> complete = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                String url = newDatabase();
                PgRoll roll = roll(url);
                usersTable(roll, url, "bulk", n);
                usersTable(roll, url, "users", n);
                bulk.add(bulkToBigint(url, "bulk", "value", n));
                sql(url, "DROP TABLE bulk CASCADE", "CHECKPOINT");

                Migrated m = toBigint(roll, "02_bigint", "users", "value");
                start.add(m.startSeconds());
                backfill.add(m.backfillRate());
                ratio.add(backfill.get(round) / bulk.get(round));
                complete.add(m.completeSeconds());

                dropDatabase(url);
            }
            println(String.format(Locale.ROOT, "| %,d | %d | %,.0f | %,.0f | %.2f (%.2f-%.2f) | %.2f | %.2f |", n, rounds,
                    median(bulk), median(backfill), median(ratio), ratio.stream().mapToDouble(d -> d).min().orElseThrow(),
                    ratio.stream().mapToDouble(d -> d).max().orElseThrow(), median(start), median(complete)));
        }
        println("");
    }

    /**
     * What a classic tool does for a type change without a long lock: a new column, filled by one bulk UPDATE;
     * returns its rows/s. Starts from a checkpoint, so that the UPDATE does not pay for writing out the load.
     */
    private static double bulkToBigint(String url, String table, String column, long n) throws SQLException {
        sql(url, "ALTER TABLE " + table + " ADD COLUMN " + column + "_new bigint", "CHECKPOINT");
        long t0 = System.nanoTime();
        sql(url, "UPDATE " + table + " SET " + column + "_new = CAST(" + column + " AS bigint)");
        return n / seconds(System.nanoTime() - t0);
    }

    private record Migrated(StartResult result, double startSeconds, double completeSeconds) {
        double backfillRate() {
            return result.backfilledRows() / (result.backfillTime().toNanos() / 1e9);
        }
    }

    /** The same type change by pgroll (alter_column, up/down casts), started and completed. */
    private static Migrated toBigint(PgRoll roll, String name, String table, String column) {
        long s0 = System.nanoTime();
        StartResult r = start(roll, name, """
                {"operations":[{"alter_column":{"table":"%1$s","column":"%2$s","type":"bigint",
                  "up":"CAST(%2$s AS bigint)","down":"CAST(%2$s AS integer)"}}]}""".formatted(table, column));
        double start = seconds(System.nanoTime() - s0);
        long c0 = System.nanoTime();
        roll.complete();
        return new Migrated(r, start, seconds(System.nanoTime() - c0));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    // ---- 2. write throughput with sync triggers --------------------------------------------------------------

    /**
     * Identical tables in one database: {@code plain} (no migration), {@code noop} (no migration, a PL/pgSQL
     * BEFORE UPDATE trigger that only returns NEW), {@code users} (an alter_column started on it), and a pair whose
     * {@code up} calls the same user function, schema-qualified in {@code qualified} and not in {@code unqualified}:
     * only the latter's trigger function runs with {@code SET search_path}, so that pair measures what resolving
     * {@code up} in the target schema costs a writer. Their
     * measurements are interleaved, in an order that rotates from round to round, and each round's ratios pair
     * measurements taken seconds apart: a bulk UPDATE through a row trigger varies by several percent from one minute to
     * the next on a shared 2-core machine, more than the difference measured.
     */
    private void writes(long n) throws Exception {
        int rounds = 5;
        List<String> tables = List.of("plain", "noop", "users", "qualified", "unqualified");
        println("## Writes through the old version: migration active (sync triggers on) vs no migration");
        println("");
        println("Migration: alter_column `name` NOT NULL, up `CASE WHEN name IS NULL THEN 'placeholder' ELSE name END` "
                + "(pgroll's own benchmark), on a " + String.format(Locale.ROOT, "%,d", n) + "-row table; the same "
                + "writes on an identical table of the same database with no migration, and, for scale, on a third "
                + "with only a PL/pgSQL BEFORE UPDATE trigger that returns NEW (PostgreSQL's own cost of any row "
                + "trigger). " + rounds + " rounds of interleaved measurements, every bulk UPDATE on a table packed "
                + "by VACUUM FULL, autovacuum off for the three tables (each is vacuumed after each bulk UPDATE); "
                + "medians, and the range of the rounds' ratios to no migration.");
        println("");
        Map<String, List<Double>> bulk = new HashMap<>();
        Map<String, List<Double>> point = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            String url = newDatabase();
            PgRoll roll = roll(url);
            for (String table : tables) {
                usersTable(roll, url, table, n);
                // an autovacuum of one table running through another's measurement took a third off it
                sql(url, "ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
            }
            sql(url, "CREATE FUNCTION bench_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
                    "CREATE TRIGGER bench_noop BEFORE UPDATE ON noop FOR EACH ROW EXECUTE FUNCTION bench_noop()",
                    "CREATE FUNCTION bench_fill(name text) RETURNS text LANGUAGE sql IMMUTABLE "
                            + "AS $$SELECT CASE WHEN name IS NULL THEN 'placeholder' ELSE name END$$");
            start(roll, "02_not_null", """
                    {"operations":[{"alter_column":{"table":"users","column":"name","nullable":false,
                      "up":"CASE WHEN name IS NULL THEN 'placeholder' ELSE name END","down":"name"}},
                      {"alter_column":{"table":"qualified","column":"name","nullable":false,
                      "up":"public.bench_fill(name)","down":"name"}},
                      {"alter_column":{"table":"unqualified","column":"name","nullable":false,
                      "up":"bench_fill(name)","down":"name"}}]}""");
            // the version of the last table's migration, the latest before 02, has views of all three
            String oldVersion = url + "&options=-c%20search_path%3Dpublic_01_" + tables.get(tables.size() - 1);
            List<String> order = new ArrayList<>(tables);
            Collections.rotate(order, -round);
            for (String table : order) {
                bulk.computeIfAbsent(table, t -> new ArrayList<>()).add(bulkUpdate(url, oldVersion, table, n));
            }
            for (String table : order) {
                point.computeIfAbsent(table, t -> new ArrayList<>())
                        .add(new PointUpdates(oldVersion, table, n, 4, 10).run());
            }

            dropDatabase(url);
        }
        println("| workload | no migration | migration active | ratio (range) | no-op trigger | ratio (range) |");
        println("|---|---:|---:|---|---:|---|");
        println(writesRow("bulk `UPDATE ... SET name = 'person'` (rows/s)", bulk));
        println(writesRow("point updates by id, 4 connections x 10 s (tx/s)", point));
        println("");
        println("Cost of resolving `up` in the target schema: the same alter_column with `up` calling a user SQL "
                + "function, `public.bench_fill(name)` (trigger function without a search_path setting) against "
                + "`bench_fill(name)` (the trigger function runs with `SET search_path = public`), measured in the "
                + "same rounds.");
        println("");
        println("| workload | qualified | unqualified, SET search_path | ratio (range) |");
        println("|---|---:|---:|---|");
        println(pathRow("bulk `UPDATE ... SET name = 'person'` (rows/s)", bulk));
        println(pathRow("point updates by id, 4 connections x 10 s (tx/s)", point));
        println("");
    }

    private static String pathRow(String workload, Map<String, List<Double>> rates) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %s |", workload, median(rates.get("qualified")),
                against(rates.get("qualified"), rates.get("unqualified")));
    }

    private static String writesRow(String workload, Map<String, List<Double>> rates) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %s | %s |", workload, median(rates.get("plain")),
                against(rates.get("plain"), rates.get("users")), against(rates.get("plain"), rates.get("noop")));
    }

    private static String against(List<Double> plain, List<Double> other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            ratios.add(other.get(i) / plain.get(i));
        }
        return String.format(Locale.ROOT, "%,.0f | %.2f (%.2f-%.2f)", median(other), median(ratios),
                ratios.stream().mapToDouble(d -> d).min().orElseThrow(),
                ratios.stream().mapToDouble(d -> d).max().orElseThrow());
    }

    /**
     * Every bulk update starts from a packed table (as after a fresh load): whether the new row versions find free
     * space left by earlier updates or must extend the table changes the UPDATE's speed as much as the triggers do.
     */
    private static double bulkUpdate(String adminUrl, String clientUrl, String table, long n) throws SQLException {
        sql(adminUrl, "VACUUM FULL " + table, "ANALYZE " + table, "CHECKPOINT");
        long t0 = System.nanoTime();
        sql(clientUrl, "UPDATE " + table + " SET name = 'person'");
        double rate = n / seconds(System.nanoTime() - t0);
        sql(adminUrl, "VACUUM " + table);
        return rate;
    }

    // ---- 4. backfill on a wide, indexed table ------------------------------------------------------------------

    private record WideRun(long rows, double bulkRate, double backfillRate) {
    }

    /**
     * On a wide table with several indexes the cost of a backfill is mostly writing new row versions and their index
     * entries; a row version that stays on its page (a HOT update, possible where the fillfactor left room) needs no
     * index entry. Each measurement gets a table of its own, built just before it in a database of its own, so that
     * both start from the same state: one table measured twice would give the second measurement the free space the
     * first one's dead rows leave after VACUUM, room for HOT updates that a freshly loaded table does not have.
     */
    private void wide(List<Long> sizes, List<Long> fillfactors) throws Exception {
        println("## Backfill on a wide, indexed table: alter_column type change vs one bulk UPDATE");
        println("");
        println("Table: a bigint primary key, an integer `amount` (the column changed, in no index), five secondary "
                + "indexes (two integer, a timestamptz and two text columns) and a 300-byte text payload; loaded by "
                + "INSERT ... SELECT, indexed after the load, then VACUUM ANALYZE and CHECKPOINT. The bulk `UPDATE` "
                + "of a new column and pgroll's backfill each run on a table of their own, built the same way just "
                + "before, in a database of its own: twin tables rather than one table measured twice, whose second "
                + "measurement would find room for HOT updates on the pages the first one's dead rows left after "
                + "VACUUM. One round per size. HOT: share of the updated rows that stayed on their page, needing no "
                + "new index entries (pg_stat_user_tables n_tup_hot_upd / n_tup_upd). Autovacuum is on, as in "
                + "production: between pgroll's batches it may free room on pages that later batches update.");
        println("");
        println("| fillfactor | rows | table + indexes MB | bulk UPDATE rows/s | bulk HOT | pgroll backfill rows/s "
                + "| pgroll HOT | ratio | start total s | complete s |");
        println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> growth = new ArrayList<>();
        for (long fillfactor : fillfactors) {
            List<WideRun> runs = new ArrayList<>();
            for (long n : sizes) {
                String url = newDatabase();
                long b0 = System.nanoTime();
                long megabytes = wideTable(url, n, fillfactor);
                double build = seconds(System.nanoTime() - b0);
                double bulk = bulkToBigint(url, "wide", "amount", n);
                String bulkHot = hotShare(url, "wide", n);
                dropDatabase(url);

                url = newDatabase();
                PgRoll roll = roll(url);
                wideTable(url, n, fillfactor);
                Migrated m = toBigint(roll, "01_bigint", "wide", "amount");
                String pgrollHot = hotShare(url, "wide", m.result().backfilledRows());
                dropDatabase(url);

                runs.add(new WideRun(n, bulk, m.backfillRate()));
                println(String.format(Locale.ROOT, "| %d | %,d | %,d | %,.0f | %s | %,.0f | %s | %.2f | %.2f | %.2f |",
                        fillfactor, n, megabytes, bulk, bulkHot, m.backfillRate(), pgrollHot, m.backfillRate() / bulk,
                        m.startSeconds(), m.completeSeconds()));
                System.out.printf(Locale.ROOT, "  (each table built in %.0f s)%n", build);
            }
            if (runs.size() > 1) {
                growth.add(growth(fillfactor, runs.get(0), runs.get(runs.size() - 1)));
            }
        }
        println("");
        if (!growth.isEmpty()) {
            println("How the time grows with the table (linear: the time grows as the rows do, rows/s stay):");
            println("");
            growth.forEach(this::println);
            println("");
        }
    }

    private static String growth(long fillfactor, WideRun small, WideRun big) {
        double rows = (double) big.rows() / small.rows();
        return String.format(Locale.ROOT, "- fillfactor %d, %,d to %,d rows (x%.0f): bulk UPDATE %,.0f to %,.0f rows/s "
                        + "(time x%.1f), pgroll backfill %,.0f to %,.0f rows/s (time x%.1f)", fillfactor, small.rows(),
                big.rows(), rows, small.bulkRate(), big.bulkRate(), rows * small.bulkRate() / big.bulkRate(),
                small.backfillRate(), big.backfillRate(), rows * small.backfillRate() / big.backfillRate());
    }

    /**
     * Builds {@code wide} with n rows the fast way, indexes after the load (one sort each rather than n insertions),
     * and VACUUM so that the visibility map is set and hint bits are written, as on a table that has been in use;
     * returns the size of table and indexes in MB.
     */
    private static long wideTable(String url, long n, long fillfactor) throws SQLException {
        sql(url, "CREATE TABLE wide (id bigint NOT NULL, amount integer NOT NULL, account integer NOT NULL, "
                        + "region integer NOT NULL, created timestamptz NOT NULL, code text NOT NULL, email text NOT NULL, "
                        + "payload text NOT NULL) WITH (fillfactor = " + fillfactor + ")",
                "INSERT INTO wide SELECT i, (i * 7919) % 1000003, (i * 31) % 100003, i % 50, "
                        + "timestamptz '2020-01-01' + i * interval '1 second', 'C' || (i % 10007), "
                        + "'user' || i || '@example.com', rpad(i::text, 300, '.') "
                        + "FROM generate_series(CAST(1 AS bigint), " + n + ") i",
                "SET maintenance_work_mem = '512MB'",
                "ALTER TABLE wide ADD PRIMARY KEY (id)",
                "CREATE INDEX ON wide (account)",
                "CREATE INDEX ON wide (region)",
                "CREATE INDEX ON wide (created)",
                "CREATE INDEX ON wide (code)",
                "CREATE INDEX ON wide (email)",
                "VACUUM ANALYZE wide",
                "CHECKPOINT");
        return Long.parseLong(scalar(url, "SELECT pg_total_relation_size('wide') / (1 << 20)"));
    }

    /**
     * The share of HOT updates among the table's updates, as a percentage, once the statistics count at least
     * {@code updates}: a backend reports its counts after its transaction, and from PostgreSQL 15 at most once a
     * second, so they reach the view a moment later.
     */
    private static String hotShare(String url, String table, long updates) throws SQLException, InterruptedException {
        String stats = " FROM pg_stat_user_tables WHERE relid = CAST('" + table + "' AS regclass)";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Long.parseLong(scalar(url, "SELECT n_tup_upd" + stats)) < updates) {
            if (System.nanoTime() > deadline) {
                System.err.println("the statistics of " + table + " still count fewer than " + updates + " updates");
                break;
            }
            Thread.sleep(200);
        }
        return scalar(url, "SELECT round(100.0 * n_tup_hot_upd / GREATEST(n_tup_upd, 1)) || ' %'" + stats);
    }
}
