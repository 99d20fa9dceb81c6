package io.pgroll.bench;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What clients feel while a schema change runs: 4 connections do point reads and updates (half each) on the table
 * without pause, while the change is applied, once by pgroll (start, then complete) and once as the plain ALTER
 * TABLE a classic migration tool would run in one transaction. Reports client transactions and failures over the
 * whole change, and p99 and max latency per phase of it: what a stall costs depends on when it happens (during the
 * backfill, pgroll's longest phase, or in a short DDL step), and a total over the change hides which.
 */
final class ClientImpact {
    private static final int CLIENTS = 4;
    private static final String START_DDL = "start DDL";
    private static final String BACKFILL = "backfill";
    private static final String COMPLETE = "complete";
    private static final String ALTER = "ALTER";
    private static final List<String> PHASES = List.of(START_DDL, BACKFILL, COMPLETE, ALTER);
    private static final String FREEZE = "machine stall max ms";
    private static final String NET = "max less machine stalls ms";

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
                + "one transaction. Client transactions and failures are those begun during the change. Latencies "
                + "are given per phase, each client transaction in the phase in which it began: for pgroll `start "
                + "DDL` (the start call outside the backfill: its DDL, triggers, catch-up pass and version schema), "
                + "`backfill` (from the end of the first batch to the end of the last, as the listener's "
                + "BackfillProgress events tell them; the listener hears of a batch only once it has ended, so the "
                + "first batch, 5,000 rows, counts as start DDL) and `complete`; for the classic tool its one "
                + "transaction, `ALTER`. Cells are p99 / max in ms, – where the change has no such phase or no "
                + "client transaction began in it. `" + FREEZE + "`: the longest time, during the change, that a "
                + "thread of the highest real-time priority pinned to a CPU woke up late from a 1 ms sleep (bench/run "
                + "runs one per CPU); nothing in the machine outranks it, so this is time the CPU was taken from the "
                + "whole machine (on a virtual machine, by its host), and every client waits it out. `" + NET
                + "`: the longest client transaction of the change once the time during it when every probe was "
                + "held at once (the whole machine stopped) is taken off it.");
        bench.println("");
        bench.println("| change | tool | change s | client tx | failed | "
                + String.join(" | ", PHASES.stream().map(p -> p + " p99 / max ms").toList()) + " | " + FREEZE + " | "
                + NET + " |");
        bench.println("|---|---|---:|---:|---:|" + "---:|".repeat(PHASES.size() + 2));
        for (Scenario s : SCENARIOS) {
            Result ours = measurePgroll(s, PgRollConfig.DEFAULT_LOCK_TIMEOUT, false);
            bench.println(row(s.name(), "pgroll (start + complete)", ours));

            String url2 = bench.newDatabase();
            Benchmark.plainUsersTable(url2, rows);
            try {
                Result classic = measure(url2, false, () -> {
                    long start = System.nanoTime();
                    Benchmark.sql(url2, s.classic().split("; "));
                    return List.of(new Segment(ALTER, start, System.nanoTime()));
                });
                bench.println(row(s.name(), "plain ALTER TABLE", classic));
                System.out.println("  (" + s.name() + ": pgroll " + durations(ours) + "; plain " + durations(classic)
                        + ")");
            } catch (SQLException e) {
                // the classic tool's one transaction may itself be the one a deadlock with the clients aborts
                bench.println("| " + s.name() + " | plain ALTER TABLE | the change failed: " + e.getSQLState() + " "
                        + e.getMessage().lines().findFirst().orElse("") + " |" + " – |".repeat(PHASES.size() + 4));
            }
            bench.dropDatabase(url2);
        }
        bench.println("");
    }

    /**
     * pgroll applying the scenario's change to a fresh table, with {@code lockTimeout} for each DDL attempt, while
     * the clients run, and, with {@code longTransactions}, a session that keeps reading the table in transactions
     * that last 300 ms (a report, say), behind which a DDL statement must wait for its lock.
     */
    private Result measurePgroll(Scenario s, Duration lockTimeout, boolean longTransactions) throws Exception {
        String url = bench.newDatabase();
        List<Long> batchesDone = new ArrayList<>();
        PgRoll roll = Benchmark.roll(url, lockTimeout, event -> {
            if (event instanceof PgRollEvent.BackfillProgress) {
                batchesDone.add(System.nanoTime());
            }
        });
        Benchmark.usersTable(roll, url, "users", rows);
        Result result = measure(url, longTransactions, () -> {
            long start = System.nanoTime();
            Benchmark.start(roll, "02_change", s.migration());
            long complete = System.nanoTime();
            roll.complete();
            return pgrollPhases(start, batchesDone, complete, System.nanoTime());
        });
        bench.dropDatabase(url);
        return result;
    }

    /**
     * The lever for stalls behind a waiting DDL statement: every client that touches the table queues behind the
     * statement's lock request until it gets the lock or gives up at lock_timeout, after which pgroll retries with
     * backoff. A shorter timeout per attempt bounds that queueing.
     */
    void lockTimeouts(List<Duration> timeouts) throws Exception {
        Scenario s = SCENARIOS.get(0);
        bench.println("## Lock timeout per DDL attempt, behind long transactions (" + String.format(Locale.ROOT, "%,d",
                rows) + " rows)");
        bench.println("");
        bench.println("The clients above, plus one session that reads the table in transactions of 300 ms, one every "
                + "0.5 s, while pgroll applies `" + s.name() + "` with each lock timeout: a DDL statement that "
                + "arrives during such a transaction waits for it, and the clients queue behind the waiting "
                + "statement until it gets its lock or times out and retries later.");
        bench.println("");
        List<String> phases = List.of(START_DDL, BACKFILL, COMPLETE);
        bench.println("| lock timeout | change s | client tx | failed | "
                + String.join(" | ", phases.stream().map(p -> p + " p99 / max ms").toList()) + " | " + FREEZE + " | "
                + NET + " |");
        bench.println("|---:|---:|---:|---:|" + "---:|".repeat(phases.size() + 2));
        for (Duration timeout : timeouts) {
            Result r = measurePgroll(s, timeout, true);
            bench.println("| " + timeout.toMillis() + " ms |" + cells(r, phases));
            System.out.println("  (lock timeout " + timeout.toMillis() + " ms: " + durations(r) + ")");
        }
        bench.println("");
    }

    /** A stretch of a change's run, in {@link System#nanoTime()}; a phase may have several (start DDL has two). */
    private record Segment(String phase, long from, long until) {
    }

    /**
     * The phases of a pgroll start and complete: the backfill spans the BackfillProgress events, each sent when a
     * batch has ended; a change without a backfill has none.
     */
    private static List<Segment> pgrollPhases(long start, List<Long> batchesDone, long complete, long end) {
        List<Segment> phases = new ArrayList<>();
        if (batchesDone.isEmpty()) {
            phases.add(new Segment(START_DDL, start, complete));
        } else {
            long first = batchesDone.get(0);
            long last = batchesDone.get(batchesDone.size() - 1);
            phases.add(new Segment(START_DDL, start, first));
            phases.add(new Segment(BACKFILL, first, last));
            phases.add(new Segment(START_DDL, last, complete));
        }
        phases.add(new Segment(COMPLETE, complete, end));
        return phases;
    }

    private static String row(String change, String tool, Result r) {
        return "| " + change + " | " + tool + " |" + cells(r, PHASES);
    }

    /** The cells after the first ones: change s, client tx, failed, and p99 / max of each phase. */
    private static String cells(Result r, List<String> phases) {
        StringBuilder cells = new StringBuilder(String.format(Locale.ROOT, " %.2f | %,d | %d |", r.seconds,
                r.transactions, r.failed));
        for (String phase : phases) {
            Latency l = r.latencies.get(phase);
            cells.append(l == null ? " – |" : String.format(Locale.ROOT, " %.1f / %.1f |", l.p99Millis, l.maxMillis));
        }
        cells.append(r.freezeMillis < 0 ? " – |" : " " + r.freezeMillis + " |");
        cells.append(r.freezeMillis < 0 ? " – |" : String.format(Locale.ROOT, " %.1f |", r.netMaxMillis));
        return cells.toString();
    }

    private static String durations(Result r) {
        return String.join(", ", r.phaseSeconds.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue())).toList());
    }

    @FunctionalInterface
    private interface Change {
        /** Runs the change; returns its phases. */
        List<Segment> run() throws Exception;
    }

    private record Latency(double p99Millis, double maxMillis) {
    }

    /**
     * freezeMillis: the machine's longest stall during the change, as {@link FreezeProbe} saw it, -1 unmeasured;
     * netMaxMillis: the longest client transaction less the time the whole machine stood still during it.
     */
    private record Result(double seconds, long transactions, long failed, Map<String, Latency> latencies,
                          Map<String, Double> phaseSeconds, long freezeMillis, double netMaxMillis) {
    }

    private Result measure(String url, boolean longTransactions, Change change) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client c = new Client(url, rows, running);
            clients.add(c);
            c.start();
        }
        Thread reporter = new Thread(() -> longTransactions(url, running));
        if (longTransactions) {
            reporter.start();
        }
        Thread.sleep(1000);
        List<Segment> phases;
        long fromMs = System.currentTimeMillis();
        try {
            phases = change.run();
            // lets a transaction stalled until the end of the change finish, so that its latency is counted
            Thread.sleep(500);
        } finally {
            running.set(false);
        }
        if (longTransactions) {
            reporter.join();
        }
        List<List<FreezeProbe.Freeze>> freezes = FreezeProbe.freezes(fromMs, System.currentTimeMillis());
        List<FreezeProbe.Freeze> stops = FreezeProbe.wholeMachine(freezes);
        // client stamps are System.nanoTime(), the probes' epoch ms
        double epochMsAtNanoZero = System.currentTimeMillis() - System.nanoTime() / 1e6;
        double netMax = 0;
        long from = phases.stream().mapToLong(Segment::from).min().orElseThrow();
        long until = phases.stream().mapToLong(Segment::until).max().orElseThrow();
        Map<String, Stamps> byPhase = new LinkedHashMap<>();
        long transactions = 0;
        long failed = 0;
        for (Client c : clients) {
            c.join();
            for (int i = 0; i < c.begins.size; i++) {
                long begin = c.begins.values[i];
                for (Segment s : phases) {
                    if (begin >= s.from && begin < s.until) {
                        long end = c.ends.values[i];
                        byPhase.computeIfAbsent(s.phase, p -> new Stamps()).add(end - begin);
                        long stopped = FreezeProbe.stoppedWithin(stops, (long) (epochMsAtNanoZero + begin / 1e6),
                                (long) Math.ceil(epochMsAtNanoZero + end / 1e6));
                        netMax = Math.max(netMax, (end - begin) / 1e6 - stopped);
                        transactions++;
                        break;
                    }
                }
            }
            for (int i = 0; i < c.failures.size; i++) {
                if (c.failures.values[i] >= from && c.failures.values[i] < until) {
                    failed++;
                }
            }
        }
        Map<String, Latency> latencies = new LinkedHashMap<>();
        byPhase.forEach((phase, stamps) -> {
            long[] all = Arrays.copyOf(stamps.values, stamps.size);
            Arrays.sort(all);
            latencies.put(phase, new Latency(all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6,
                    all[all.length - 1] / 1e6));
        });
        Map<String, Double> phaseSeconds = new LinkedHashMap<>();
        for (Segment s : phases) {
            phaseSeconds.merge(s.phase, (s.until - s.from) / 1e9, Double::sum);
        }
        return new Result((until - from) / 1e9, transactions, failed, latencies, phaseSeconds,
                FreezeProbe.longest(freezes), netMax);
    }

    private static void longTransactions(String url, AtomicBoolean running) {
        try (Connection c = DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            while (running.get()) {
                c.setAutoCommit(false);
                s.execute("SELECT count(*) FROM users WHERE id <= 1000");
                s.execute("SELECT pg_sleep(0.3)");
                c.commit();
                c.setAutoCommit(true);
                Thread.sleep(200);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A growing array of nanoseconds, written by one client thread and read once it has ended. */
    private static final class Stamps {
        long[] values = new long[1 << 16];
        int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }

    /**
     * One client connection on the base table, touching only columns no change here alters (id, name). Records when
     * each transaction began and ended, and when each failed one began, from its first to its last; the measurement
     * keeps those begun during the change.
     */
    private static final class Client extends Thread {
        private final String url;
        private final long rows;
        private final AtomicBoolean running;
        final Stamps begins = new Stamps();
        final Stamps ends = new Stamps();
        final Stamps failures = new Stamps();

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
                        if (failures.size < 3) {
                            System.err.println("client transaction failed: " + e.getSQLState() + " "
                                    + e.getMessage().lines().findFirst().orElse(""));
                        }
                        failures.add(t0);
                        continue;
                    }
                    begins.add(t0);
                    ends.add(System.nanoTime());
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
