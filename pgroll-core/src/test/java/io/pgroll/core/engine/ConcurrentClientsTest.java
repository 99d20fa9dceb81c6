package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.StartOptions;
import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients of the old and the new version write without pause while a type change starts (DDL and backfill), is
 * rolled back, starts again and completes: no write fails, none is lost, and every row holds the value its writer
 * meant in both versions.
 */
class ConcurrentClientsTest extends HarnessTest {
    private static final int ROWS = 20_000;
    private static final String CHANGE = """
            {"operations":[{"alter_column":{"table":"accounts","column":"cents","type":"bigint",
              "up":"cents * 1000","down":"cents / 1000"}}]}""";

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"accounts","columns":[
                  {"name":"id","type":"bigserial","pk":true},{"name":"cents","type":"integer"}]}}]}""");
        h.exec(h.version("01_create"), "INSERT INTO accounts (cents) SELECT i FROM generate_series(1, " + ROWS + ") i");
    }

    /**
     * A client that updates random rows and inserts new ones through one version; it remembers what it wrote. An
     * old-version client with a partition sets new values on the rows whose id falls in it (id modulo 2), so that
     * the last value of every row is known; the others rewrite rows unchanged.
     */
    private final class Writer extends Thread {
        final String version;
        final long factor; // the new version stores the old value times 1000
        final int partition;
        final AtomicBoolean running;
        final ConcurrentLinkedQueue<String> errors;
        final List<long[]> inserted = new ArrayList<>();
        final Map<Long, Long> updated = new HashMap<>();

        Writer(String version, long factor, int partition, AtomicBoolean running, ConcurrentLinkedQueue<String> errors) {
            this.version = version;
            this.factor = factor;
            this.partition = partition;
            this.running = running;
            this.errors = errors;
        }

        @Override
        public void run() {
            try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + Sql.ident(version));
                PreparedStatement rewrite = c.prepareStatement("UPDATE accounts SET cents = cents WHERE id = ?");
                PreparedStatement set = c.prepareStatement("UPDATE accounts SET cents = ? WHERE id = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (cents) VALUES (?) RETURNING id");
                while (running.get()) {
                    try {
                        long id = ThreadLocalRandom.current().nextLong(1, ROWS); // below ROWS: the partition step stays in range
                        if (partition < 0) {
                            rewrite.setLong(1, id);
                            rewrite.executeUpdate();
                        } else {
                            id += (id + partition) % 2;
                            long cents = ThreadLocalRandom.current().nextLong(1, 1_000_000);
                            set.setLong(1, cents);
                            set.setLong(2, id);
                            if (set.executeUpdate() == 1) {
                                updated.put(id, cents);
                            }
                        }
                        long value = ThreadLocalRandom.current().nextLong(1, 1000) * factor;
                        insert.setLong(1, value);
                        try (var rs = insert.executeQuery()) {
                            rs.next();
                            inserted.add(new long[] {rs.getLong(1), value / factor});
                        }
                    } catch (SQLException e) {
                        errors.add(version + ": " + e.getMessage());
                    }
                }
            } catch (SQLException e) {
                errors.add(version + ": " + e.getMessage());
            }
        }
    }

    @Test
    void noWriteFailsOrIsLostAcrossStartRollbackStartAndComplete() throws Exception {
        String v1 = h.version("01_create");
        String v2 = h.version("02_bigint");
        StartOptions smallBatches = new StartOptions(false, 500, Duration.ZERO);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Writer> writers = new ArrayList<>();

        AtomicBoolean phase1 = new AtomicBoolean(true);
        writers.add(start(new Writer(v1, 1, 0, phase1, errors)));
        writers.add(start(new Writer(v1, 1, 1, phase1, errors)));
        h.roll.start(Harness.migration("02_bigint", CHANGE), smallBatches);
        AtomicBoolean phase2 = new AtomicBoolean(true);
        writers.add(start(new Writer(v2, 1000, -1, phase2, errors)));
        Thread.sleep(300);
        phase2.set(false);
        join(writers.subList(2, 3));
        h.roll.rollback();
        Thread.sleep(200);
        h.roll.start(Harness.migration("02_bigint", CHANGE), smallBatches);
        AtomicBoolean phase3 = new AtomicBoolean(true);
        writers.add(start(new Writer(v2, 1000, -1, phase3, errors)));
        Thread.sleep(300);
        phase1.set(false);
        join(writers.subList(0, 2));
        h.roll.complete();
        phase3.set(false);
        join(writers.subList(3, 4));

        assertEquals(List.of(), List.copyOf(errors));
        // every original row holds the last value an old-version client set, or its own; so does every inserted row
        Map<Long, Long> last = new HashMap<>();
        writers.subList(0, 2).forEach(w -> last.putAll(w.updated));
        assertTrue(last.size() > 100, "old-version clients updated " + last.size() + " rows");
        String lastValues = last.entrySet().stream().map(e -> "(" + e.getKey() + ", " + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        assertEquals(String.valueOf(ROWS), h.scalar(v2, "SELECT count(*) FROM accounts a LEFT JOIN (VALUES "
                + lastValues + ") AS u(id, cents) ON a.id = u.id WHERE a.id <= " + ROWS
                + " AND a.cents = COALESCE(u.cents, a.id) * 1000"));
        StringBuilder expected = new StringBuilder();
        long checked = 0;
        for (Writer w : writers) {
            for (long[] row : w.inserted) {
                expected.append(checked++ == 0 ? "" : ", ").append("(").append(row[0]).append(", ")
                        .append(row[1] * 1000).append(")");
            }
        }
        assertEquals(String.valueOf(checked), h.scalar(v2, "SELECT count(*) FROM accounts a JOIN (VALUES "
                + expected + ") AS e(id, cents) ON a.id = e.id AND a.cents = e.cents"),
                "rows inserted through either version hold the value their writer meant");
        assertTrue(checked > 0);
        assertEquals(String.valueOf(ROWS + checked), h.scalar(v2, "SELECT count(*) FROM accounts"));
    }

    private static Writer start(Writer w) {
        w.start();
        return w;
    }

    private static void join(List<Writer> writers) throws InterruptedException {
        for (Writer w : writers) {
            w.join();
        }
    }
}
