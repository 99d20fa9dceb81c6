package io.pgroll.bench;

import io.pgroll.core.PgRoll;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What clients feel while a schema change runs: 4 connections do point reads and updates (half each) on the table
 * without pause, while the change is applied, once by pgroll (start, then complete) and once as the plain ALTER
 * TABLE a classic migration tool would run in one transaction. Reports client transactions, failures, p99 and max
 * latency over the whole change.
 */
final class ClientImpact {
    private static final int CLIENTS = 4;

    private final Benchmark bench;
    private final long rows;

    ClientImpact(Benchmark bench, long rows) {
        this.bench = bench;
        this.rows = rows;
    }

    private record Scenario(String name, String migration, String classic) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("add_column NOT NULL, computed from another column", """
                    {"operations":[{"add_column":{"table":"users","up":"value % 100",
                      "column":{"name":"score","type":"integer"}}}]}""",
                    "BEGIN; ALTER TABLE users ADD COLUMN score integer; UPDATE users SET score = value % 100; "
                            + "ALTER TABLE users ALTER COLUMN score SET NOT NULL; COMMIT"),
            new Scenario("alter_column type integer to bigint", """
                    {"operations":[{"alter_column":{"table":"users","column":"value","type":"bigint",
                      "up":"CAST(value AS bigint)","down":"CAST(value AS integer)"}}]}""",
                    "ALTER TABLE users ALTER COLUMN value TYPE bigint"),
            new Scenario("alter_column set NOT NULL, fixing NULLs", """
                    {"operations":[{"alter_column":{"table":"users","column":"note","nullable":false,
                      "up":"COALESCE(note, '')","down":"note"}}]}""",
                    "BEGIN; UPDATE users SET note = '' WHERE note IS NULL; "
                            + "ALTER TABLE users ALTER COLUMN note SET NOT NULL; COMMIT"),
            new Scenario("create_index", """
                    {"operations":[{"create_index":{"name":"users_value_idx","table":"users",
                      "columns":[{"column":"value"}]}}]}""",
                    "CREATE INDEX users_value_idx ON users (value)"),
            new Scenario("create_constraint check", """
                    {"operations":[{"create_constraint":{"table":"users","name":"value_positive","type":"check",
                      "columns":["value"],"check":"value >= 0","up":{"value":"GREATEST(value, 0)"},
                      "down":{"value":"value"}}}]}""",
                    "ALTER TABLE users ADD CONSTRAINT value_positive CHECK (value >= 0)"),
            new Scenario("drop_column", """
                    {"operations":[{"drop_column":{"table":"users","column":"note","down":"'x'"}}]}""",
                    "ALTER TABLE users DROP COLUMN note"));

    void run() throws Exception {
        bench.println("## Client impact while each change runs on a " + String.format(Locale.ROOT, "%,d", rows)
                + "-row table");
        bench.println("");
        bench.println(CLIENTS + " connections run point reads and updates by primary key (half each) without pause "
                + "during the whole change; pgroll runs start then complete, the classic tool runs the plain SQL in "
                + "one transaction.");
        bench.println("");
        bench.println("| change | tool | change s | client tx | failed | p99 ms | max ms |");
        bench.println("|---|---|---:|---:|---:|---:|---:|");
        int n = 2;
        for (Scenario s : SCENARIOS) {
            String url = bench.newDatabase();
            PgRoll roll = Benchmark.roll(url);
            Benchmark.usersTable(roll, url, "users", rows);
            String name = String.format(Locale.ROOT, "%02d_change", n++);
            Result ours = measure(url, () -> {
                Benchmark.start(roll, name, s.migration());
                roll.complete();
            });
            bench.println(row(s.name(), "pgroll (start + complete)", ours));

            String url2 = bench.newDatabase();
            Benchmark.plainUsersTable(url2, rows);
            Result classic = measure(url2, () -> Benchmark.sql(url2, s.classic().split("; ")));
            bench.println(row(s.name(), "plain ALTER TABLE", classic));
        }
        bench.println("");
    }

    private static String row(String change, String tool, Result r) {
        return String.format(Locale.ROOT, "| %s | %s | %.2f | %,d | %d | %.1f | %.1f |", change, tool, r.seconds,
                r.transactions, r.failed, r.p99Millis, r.maxMillis);
    }

    @FunctionalInterface
    private interface Change {
        void run() throws Exception;
    }

    private record Result(double seconds, long transactions, long failed, double p99Millis, double maxMillis) {
    }

    private Result measure(String url, Change change) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client c = new Client(url, rows, running);
            clients.add(c);
            c.start();
        }
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        for (Client c : clients) {
            c.record = true;
        }
        double seconds;
        try {
            change.run();
            seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(500);
        } finally {
            running.set(false);
        }
        long[] all = new long[0];
        long failed = 0;
        for (Client c : clients) {
            c.join();
            long[] mine = Arrays.copyOf(c.latencies, c.count);
            long[] merged = Arrays.copyOf(all, all.length + mine.length);
            System.arraycopy(mine, 0, merged, all.length, mine.length);
            all = merged;
            failed += c.failed;
        }
        Arrays.sort(all);
        double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6;
        double max = all.length == 0 ? 0 : all[all.length - 1] / 1e6;
        return new Result(seconds, all.length, failed, p99, max);
    }

    /** One client connection on the base table, touching only columns no change here alters (id, name). */
    private static final class Client extends Thread {
        private final String url;
        private final long rows;
        private final AtomicBoolean running;
        volatile boolean record;
        long[] latencies = new long[1 << 16];
        int count;
        long failed;

        Client(String url, long rows, AtomicBoolean running) {
            this.url = url;
            this.rows = rows;
            this.running = running;
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement read = c.prepareStatement("SELECT name FROM users WHERE id = ?");
                 PreparedStatement write = c.prepareStatement("UPDATE users SET name = ? WHERE id = ?")) {
                while (running.get()) {
                    long id = ThreadLocalRandom.current().nextLong(1, rows + 1);
                    long t0 = System.nanoTime();
                    try {
                        if (ThreadLocalRandom.current().nextBoolean()) {
                            read.setLong(1, id);
                            try (ResultSet rs = read.executeQuery()) {
                                rs.next();
                            }
                        } else {
                            write.setString(1, "client_" + id);
                            write.setLong(2, id);
                            write.executeUpdate();
                        }
                    } catch (SQLException e) {
                        if (record && failed++ < 3) {
                            System.err.println("client transaction failed: " + e.getSQLState() + " "
                                    + e.getMessage().lines().findFirst().orElse(""));
                        }
                        continue;
                    }
                    if (record) {
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = System.nanoTime() - t0;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
