package io.pgroll.bench;

import io.pgroll.core.PgRoll;
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
 * starts and completes against the plain ALTER TABLE a classic migration tool would run. Prints Markdown tables and
 * saves them under bench/results/.
 *
 * <p>Arguments: {@code --sizes 100000,1000000,10000000} (backfill table sizes), {@code --rows 1000000} (table size
 * of the write runs), {@code --impact-rows N} (table size of the client-impact runs; default {@code --rows}),
 * {@code --out bench/results}, {@code --skip-backfill}, {@code --skip-writes}, {@code --skip-impact}.
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
        long rows = 1_000_000L;
        Long impactRows = null;
        Path out = Path.of("bench/results");
        boolean impact = true;
        boolean backfill = true;
        boolean writes = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = numbers(args[++i]);
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--impact-rows" -> impactRows = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--skip-impact" -> impact = false;
                case "--skip-backfill" -> backfill = false;
                case "--skip-writes" -> writes = false;
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
            long clientRows = impactRows == null ? rows : impactRows;
            b.header(args, sizes, rows, clientRows);
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
                new ClientImpact(b, clientRows).run();
                took("client impact", t0);
            }
            Files.createDirectories(out);
            Path file = out.resolve(LocalDate.now() + "-pg" + b.serverVersion().split("\\.")[0] + ".md");
            Files.writeString(file, b.report.toString());
            System.out.println("\nsaved to " + file);
        }
    }

    private static List<Long> numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Long::parseLong).toList();
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
        PgRoll roll = PgRoll.configure().url(url).listener(listener).load();
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

    private void header(String[] args, List<Long> sizes, long rows, long impactRows) throws SQLException {
        println("# pgroll for Java: benchmark results");
        println("");
        println("- date: " + LocalDate.now());
        println("- PostgreSQL " + serverVersion() + " (embedded binaries from Maven Central), shared_buffers=1GB, "
                + "synchronous_commit=off, max_wal_size=8GB");
        println("- machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (Runtime.getRuntime().maxMemory() / (1 << 20)) + " MiB JVM heap, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        println("- command: `" + String.join(" ", Stream.concat(Stream.of("bench/run"), Arrays.stream(args)).toList())
                + "` (backfill sizes " + sizes + ", write table " + rows + " rows, client-impact table " + impactRows
                + " rows)");
        println("");
    }

    // ---- 1. backfill throughput ------------------------------------------------------------------------------

    /**
     * Each size is measured in several rounds (one at 10M rows and above), each round a bulk UPDATE and then the
     * backfill of a table of its own, seconds apart; the table gives the medians, so that one disturbed round on a
     * shared machine does not decide the figure.
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
            int rounds = n >= 10_000_000 ? 1 : 3;
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
                sql(url, "ALTER TABLE bulk ADD COLUMN value_new bigint", "CHECKPOINT");
                long t0 = System.nanoTime();
                sql(url, "UPDATE bulk SET value_new = CAST(value AS bigint)");
                bulk.add(n / seconds(System.nanoTime() - t0));
                sql(url, "DROP TABLE bulk CASCADE", "CHECKPOINT");

                long s0 = System.nanoTime();
                StartResult r = start(roll, "02_bigint", """
                        {"operations":[{"alter_column":{"table":"users","column":"value","type":"bigint",
                          "up":"CAST(value AS bigint)","down":"CAST(value AS integer)"}}]}""");
                start.add(seconds(System.nanoTime() - s0));
                backfill.add(r.backfilledRows() / (r.backfillTime().toNanos() / 1e9));
                ratio.add(backfill.get(round) / bulk.get(round));
                long c0 = System.nanoTime();
                roll.complete();
                complete.add(seconds(System.nanoTime() - c0));

                dropDatabase(url);
            }
            println(String.format(Locale.ROOT, "| %,d | %d | %,.0f | %,.0f | %.2f (%.2f-%.2f) | %.2f | %.2f |", n, rounds,
                    median(bulk), median(backfill), median(ratio), ratio.stream().mapToDouble(d -> d).min().orElseThrow(),
                    ratio.stream().mapToDouble(d -> d).max().orElseThrow(), median(start), median(complete)));
        }
        println("");
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
}
