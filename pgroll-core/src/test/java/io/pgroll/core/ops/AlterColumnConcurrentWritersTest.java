package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollEvent;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * alter_column on a table that clients keep writing while start backfills it in small batches: two writers on the
 * old version insert and update rows all along, one on the new version from the moment its version schema appears.
 * Every row must end up with the value its last writer gave it, in the units of each version ({@code amount} text in
 * whole units becomes integer cents), after start and after complete.
 */
class AlterColumnConcurrentWritersTest extends HarnessTest {
    private static final int ROWS = 50_000;
    private static final String MIGRATION = """
            {"operations":[{"alter_column":{"table":"accounts","column":"amount","type":"integer",
              "up":"CAST(amount AS integer) * 100","down":"CAST(amount / 100 AS text)"}}]}""";

    private String v1;
    private String v2;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_accounts", """
                {"operations":[{"create_table":{"name":"accounts","columns":[
                  {"name":"id","type":"bigserial","pk":true},{"name":"owner","type":"integer"},
                  {"name":"amount","type":"text"}]}}]}""");
        v1 = h.version("01_accounts");
        v2 = h.version("02_cents");
        h.exec(v1, "INSERT INTO accounts (owner, amount) SELECT g % 3, (g % 1000)::text FROM generate_series(1, "
                + ROWS + ") g", "ANALYZE accounts");
    }

    /** One client: inserts rows and updates rows of its own share (id % 3 = its number), remembering what it wrote. */
    private final class Writer implements Runnable {
        final int number;
        final String version;
        final boolean newVersion;
        final Map<Long, Integer> expected;
        final AtomicBoolean stop;
        final BooleanSupplier mayStart;
        final AtomicLong writes = new AtomicLong();
        final List<Long> inserted = new ArrayList<>();

        Writer(int number, String version, Map<Long, Integer> expected, AtomicBoolean stop, BooleanSupplier mayStart) {
            this.number = number;
            this.version = version;
            this.newVersion = version.equals(v2);
            this.expected = expected;
            this.stop = stop;
            this.mayStart = mayStart;
        }

        @Override
        public void run() {
            while (!mayStart.getAsBoolean()) {
                if (stop.get()) {
                    return;
                }
                pause(5);
            }
            try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + Sql.ident(version));
                String literal = newVersion ? "?" : "CAST(? AS text)";
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (owner, amount) VALUES ("
                        + number + ", " + literal + ") RETURNING id");
                     PreparedStatement update = c.prepareStatement("UPDATE accounts SET amount = " + literal
                             + " WHERE id = ?")) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        int units = random.nextInt(1, 100_000);
                        Object value = newVersion ? (Object) (units * 100) : String.valueOf(units);
                        if (random.nextInt(3) == 0 || inserted.isEmpty() && random.nextBoolean()) {
                            insert.setObject(1, value);
                            try (ResultSet rs = insert.executeQuery()) {
                                rs.next();
                                long id = rs.getLong(1);
                                inserted.add(id);
                                expected.put(id, units);
                            }
                        } else {
                            long id = random.nextBoolean() && !inserted.isEmpty()
                                    ? inserted.get(random.nextInt(inserted.size()))
                                    : 3L * random.nextInt(1, ROWS / 3) + number;
                            update.setObject(1, value);
                            update.setLong(2, id);
                            assertEquals(1, update.executeUpdate(), "row " + id);
                            expected.put(id, units);
                        }
                        writes.incrementAndGet();
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(version + " writer " + number + ": " + e.getMessage(), e);
            }
        }
    }

    private void write(Map<String, String> errors, String version, String sql) {
        try {
            h.exec(version, sql);
        } catch (RuntimeException e) {
            errors.put(version + ": " + sql, e.getMessage());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits (bounded) until the condition holds. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            pause(2);
        }
    }

    /** id → amount as the version shows it. */
    private Map<Long, Long> amounts(String version) {
        Map<Long, Long> out = new HashMap<>();
        for (List<String> row : h.query(version, "SELECT id, amount FROM accounts")) {
            out.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
        }
        return out;
    }

    /** Every row has its last written value (untouched rows their initial one), in the units of each version. */
    private void assertEveryRow(Map<Long, Integer> expected, String version, long factor) {
        Map<Long, Long> actual = amounts(version);
        long extra = expected.keySet().stream().filter(id -> id > ROWS).count();
        assertEquals(ROWS + extra, actual.size(), "rows seen by " + version);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Long, Long> row : actual.entrySet()) {
            long id = row.getKey();
            long want = factor * expected.getOrDefault(id, (int) (id % 1000));
            if (row.getValue() != want) {
                wrong.add(id + ": " + row.getValue() + " instead of " + want);
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " wrong rows in " + version);
    }

    @Test
    void writersOfBothVersionsDuringBackfillLoseNothing() throws Exception {
        Map<Long, Integer> expected = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        // the old version's writers start at once (the backfill runs before the sync triggers exist, and rows they
        // write meanwhile are caught up), the new version's once its view exists: at the end of start
        String view = Sql.literal(Sql.qualified(v2, "accounts"));
        List<Writer> writers = List.of(new Writer(0, v1, expected, stop, () -> true),
                new Writer(1, v1, expected, stop, () -> true),
                new Writer(2, v2, expected, stop, () -> h.scalar("public", "SELECT to_regclass(" + view + ")") != null));
        List<Writer> oldVersion = writers.subList(0, 2);
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        List<Future<?>> running = writers.stream().<Future<?>>map(pool::submit).toList();
        AtomicLong batches = new AtomicLong();
        List<Long> progressDone = new CopyOnWriteArrayList<>();
        long[] writesAtMiddle = new long[oldVersion.size()];
        // hold the backfill at its first batch and again half way until every old-version writer has written
        // meanwhile, so that writes and batches are known to interleave
        PgRollListener progress = event -> {
            if (!(event instanceof PgRollEvent.BackfillProgress batch)) {
                return;
            }
            long n = batches.incrementAndGet();
            progressDone.add(batch.rowsDone());
            if (n == 1 || n == 50) {
                long[] before = oldVersion.stream().mapToLong(w -> w.writes.get()).toArray();
                await(() -> {
                    for (int i = 0; i < oldVersion.size(); i++) {
                        if (oldVersion.get(i).writes.get() < before[i] + 20) {
                            return false;
                        }
                    }
                    return true;
                }, "writes during the backfill");
                if (n == 50) {
                    for (int i = 0; i < oldVersion.size(); i++) {
                        writesAtMiddle[i] = oldVersion.get(i).writes.get();
                    }
                }
            }
        };
        try {
            Migration m = Harness.migration("02_cents", MIGRATION);
            h.listenedTo(progress).start(m, new StartOptions(false, 200, Duration.ofMillis(1)));
            long newVersionWrites = writers.get(2).writes.get();
            await(() -> writers.get(2).writes.get() >= newVersionWrites + 200, "writes through the new version");
        } finally {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        for (int i = 0; i < oldVersion.size(); i++) {
            assertTrue(writesAtMiddle[i] > 0, "writer " + i + " wrote during the backfill");
        }

        assertEveryRow(expected, v1, 1);
        assertEveryRow(expected, v2, 100);

        h.roll.complete();
        assertEveryRow(expected, v2, 100);
        assertEquals("integer", new PhysicalSchema(h).type("accounts", "amount"));
        assertEquals(List.of(), h.leftovers());
        // batches of 200 rows; only the last one, which also takes the rows inserted meanwhile, may be larger
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < progressDone.size() - 2; i++) {
            sizes.add(progressDone.get(i) - (i == 0 ? 0 : progressDone.get(i - 1)));
        }
        assertTrue(sizes.size() >= ROWS / 200 - 1, "batches: " + sizes.size());
        assertEquals(List.of(), sizes.stream().filter(n -> n > 200).toList(), "batches larger than 200 rows");
    }

    /**
     * Clients keep writing while start runs its DDL: the old version all along, the new one as soon as its schema is
     * visible. Until the sync triggers exist, nothing fills the other version's column: an old-version write must not
     * meet constraints of the copy (its NOT NULL check) that only the trigger can satisfy, and the new version must
     * not be visible before its writes reach the old column (an insert would leave the old NOT NULL column empty, an
     * update would be undone by the backfill). An event trigger makes the creation of the trigger functions slow, so
     * that these writes surely land while the triggers are being installed.
     */
    @Test
    void writesOfBothVersionsWhileStartRunsItsDdlAreKept() throws Exception {
        h.execRaw("""
                CREATE FUNCTION public.pgroll_test_slow_sync_triggers() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF current_query() LIKE '%_pgroll_trigger_accounts%' THEN
                    PERFORM pg_sleep(1.5);
                  END IF;
                END $$""",
                "CREATE EVENT TRIGGER pgroll_test_slow_sync_triggers ON ddl_command_start WHEN TAG IN ('CREATE FUNCTION') "
                        + "EXECUTE FUNCTION public.pgroll_test_slow_sync_triggers()");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Map<String, String> clientErrors = new ConcurrentHashMap<>();
        try {
            Future<?> start = pool.submit(() -> h.start("02_cents", MIGRATION));
            // the old version writes as soon as the copy exists, the new one as soon as its view does
            String copy = "SELECT 1 FROM pg_attribute WHERE attrelid = " + new PhysicalSchema(h).regclass("accounts")
                    + " AND attname = '_pgroll_new_amount'";
            await(() -> start.isDone() || h.scalar("public", copy) != null, "the copy of the column");
            write(clientErrors, v1, "INSERT INTO accounts (id, owner, amount) VALUES (" + (ROWS + 1) + ", 1, '5')");
            write(clientErrors, v1, "UPDATE accounts SET amount = '9' WHERE id = 8");
            String view = Sql.literal(Sql.qualified(v2, "accounts"));
            await(() -> start.isDone() || h.scalar("public", "SELECT to_regclass(" + view + ")") != null,
                    "the new version's view");
            write(clientErrors, v2, "INSERT INTO accounts (id, owner, amount) VALUES (" + (ROWS + 2) + ", 1, 12300)");
            write(clientErrors, v2, "UPDATE accounts SET amount = 70000 WHERE id = 7");
            start.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
            h.execRaw("DROP EVENT TRIGGER pgroll_test_slow_sync_triggers");
        }
        assertEquals(Map.of(), clientErrors, "writes while start runs its DDL");
        assertEquals(List.of(List.of("7", "700"), List.of("8", "9"), List.of(String.valueOf(ROWS + 1), "5"),
                        List.of(String.valueOf(ROWS + 2), "123")),
                h.query(v1, "SELECT id, amount FROM accounts WHERE id IN (7, 8) OR id > " + ROWS + " ORDER BY id"));
        assertEquals(List.of(List.of("7", "70000"), List.of("8", "900"), List.of(String.valueOf(ROWS + 1), "500"),
                        List.of(String.valueOf(ROWS + 2), "12300")),
                h.query(v2, "SELECT id, amount FROM accounts WHERE id IN (7, 8) OR id > " + ROWS + " ORDER BY id"));
    }
}
