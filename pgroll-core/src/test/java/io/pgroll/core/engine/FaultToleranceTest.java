package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRoll;
import io.pgroll.core.StartResult;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollException;
import io.pgroll.core.PgRollEvent;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.ChildProcess;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A start or complete killed at any point, or cut off from the server, leaves a state that can be finished or undone. */
class FaultToleranceTest extends HarnessTest {
    private static final int ROWS = 5000;
    private static final String ALTER = """
            {"operations":[
              {"add_column":{"table":"items","up":"label || '!'","column":{"name":"shout","type":"text"}}},
              {"alter_column":{"table":"items","column":"qty","type":"bigint","up":"qty * 10","down":"qty / 10"}},
              {"create_index":{"name":"items_label_idx","table":"items","columns":[{"column":"label"}]}}]}""";

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"serial","pk":true},{"name":"label","type":"text"},{"name":"qty","type":"int"}]}}]}""");
        h.exec(h.version("01_create"), "INSERT INTO items (label, qty) SELECT 'item' || i, i FROM generate_series(1, "
                + ROWS + ") i");
    }

    private int child(String haltAt, String... args) throws Exception {
        return ChildProcess.run(haltAt, args);
    }

    private void assertConverted(String version) {
        assertEquals(String.valueOf(ROWS), h.scalar(version, "SELECT count(*) FROM items WHERE shout = label || '!' "
                + "AND qty = id * 10"));
    }

    @Test
    void aStartKilledMidBackfillResumesFromItsCursor() throws Exception {
        assertEquals(137, child("backfill.fill:5", "start", h.url, h.schema, "02_alter", ALTER, "500"));
        // the version schema comes last, so the latest usable version is still the previous one
        assertEquals(new Status(h.schema, "01_create", Status.IN_PROGRESS, "start of \"02_alter\" was interrupted: "
                + "run start again with the same migration to resume it, or roll it back"), h.roll.status());

        StartResult resumed = h.roll.start(Harness.migration("02_alter", ALTER),
                new StartOptions(false, 500, Duration.ZERO));
        // fewer than the table's rows (rows the fill moved into pages still ahead of it are merely computed again)
        assertTrue(resumed.backfilledRows() < ROWS, "resumed backfill started over: "
                + resumed.backfilledRows() + " rows");
        assertConverted(h.version("02_alter"));
        h.roll.complete();
        assertConverted(h.version("02_alter"));
        assertEquals(List.of(), h.leftovers());
    }

    /** While a start runs, status says so, and a second start or a rollback from another process is turned away. */
    @Test
    void aRunningStartIsReportedAndHeldExclusively() {
        AtomicReference<String> seen = new AtomicReference<>();
        PgRollListener progress = event -> {
            if (event instanceof PgRollEvent.BackfillProgress && seen.get() == null) {
                PgRoll other = PgRoll.open(PgRollConfig.of(h.url).withSchema(h.schema));
                PgRollException start = assertThrows(PgRollException.class,
                        () -> other.start(Harness.migration("02_alter", ALTER), StartOptions.defaults()));
                PgRollException rollback = assertThrows(PgRollException.class, other::rollback);
                seen.set(other.status().note() + " / " + start.getMessage() + " / " + rollback.getMessage());
            }
        };
        h.listenedTo(progress).start(Harness.migration("02_alter", ALTER), new StartOptions(false, 500, Duration.ZERO));
        String busy = "a migration for schema \"" + h.schema + "\" is already in progress: another pgroll process is "
                + "running start, complete or rollback on it";
        assertEquals("start of \"02_alter\" is running / " + busy + " / " + busy, seen.get());
        assertEquals(null, h.roll.status().note());
        assertConverted(h.version("02_alter"));
    }

    /**
     * The backfill runs before the sync triggers exist, so rows that old clients write while a start is stopped, or
     * before the triggers arrive, are rewritten by the catch-up pass; killed in that pass too, the start still resumes.
     */
    @Test
    void rowsWrittenWhileAStartIsStoppedMidBackfillAreConvertedWhenItResumes() throws Exception {
        String v1 = h.version("01_create");
        String v2 = h.version("02_alter");
        assertEquals(137, child("backfill.fill:5", "start", h.url, h.schema, "02_alter", ALTER, "500"));
        h.exec(v1, "UPDATE items SET label = 'changed', qty = 7 WHERE id <= 100 OR id > 4900");
        h.exec(v1, "INSERT INTO items (label, qty) VALUES ('late', 3)");
        // the rest of the fill, then the first batch of the catch-up
        assertEquals(137, child("backfill.catchUp:1", "start", h.url, h.schema, "02_alter", ALTER, "500"));
        h.exec(v1, "UPDATE items SET qty = 9 WHERE id = 50");
        h.start("02_alter", ALTER);

        assertEquals("0", h.scalar(v2, "SELECT count(*) FROM items n JOIN " + Sql.qualified(v1, "items")
                + " o USING (id) WHERE n.shout IS DISTINCT FROM o.label || '!' OR n.qty IS DISTINCT FROM o.qty * 10"));
        assertEquals(String.valueOf(ROWS + 1), h.scalar(v2, "SELECT count(*) FROM items"));
        assertEquals("90|late!|30", h.scalar(v2, "SELECT (SELECT qty FROM items WHERE id = 50) || '|' "
                + "|| (SELECT shout || '|' || qty FROM items WHERE label = 'late')"));
        h.roll.complete();
        assertEquals(List.of(), h.leftovers());
    }

    @Test
    void aStartKilledDuringItsDdlCanBeRolledBackExactlyOrResumed() throws Exception {
        List<String> columnsBefore = h.columns("items");
        assertEquals(137, child("step:2", "start", h.url, h.schema, "02_alter", ALTER, "500"));
        assertEquals(Status.IN_PROGRESS, h.roll.status().status());
        PgRollException complete = assertThrows(PgRollException.class, h.roll::complete);
        assertTrue(complete.getMessage().contains("did not finish"), complete.getMessage());
        h.roll.rollback();
        assertEquals(columnsBefore, h.columns("items"));
        assertEquals(List.of(), h.leftovers());
        assertFalse(h.schemaExists(h.version("02_alter")));

        assertEquals(137, child("step:3", "start", h.url, h.schema, "02_alter", ALTER, "500"));
        h.start("02_alter", ALTER);
        assertConverted(h.version("02_alter"));
        h.roll.complete();
        assertEquals(List.of(), h.leftovers());
    }

    @Test
    void aCompleteKilledHalfWayIsFinishedByRunningItAgainAndCannotBeRolledBack() throws Exception {
        h.start("02_alter", ALTER);
        assertEquals(null, h.roll.status().note(), "a finished start");
        assertEquals(137, child("step:3", "complete", h.url, h.schema));
        assertEquals("complete of \"02_alter\" was interrupted: run complete again to finish it",
                h.roll.status().note());
        PgRollException rollback = assertThrows(PgRollException.class, h.roll::rollback);
        assertTrue(rollback.getMessage().contains("run complete again"), rollback.getMessage());
        h.roll.complete();
        assertEquals(new Status(h.schema, "02_alter", Status.COMPLETE), h.roll.status());
        assertConverted(h.version("02_alter"));
        assertEquals(List.of(), h.leftovers());
        assertEquals("bigint", h.scalar("public", "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = '" + h.schema + ".items'::regclass AND attname = 'qty'"));
    }

    @Test
    void aLostConnectionDuringBackfillIsReportedAndTheStartResumes() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                PgRoll.open(PgRollConfig.of(h.url).withSchema(h.schema))
                        .start(Harness.migration("02_alter", ALTER), new StartOptions(false, 100, Duration.ofMillis(20)));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        starter.start();
        try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
            while (!"1".equals(h.scalar("public", "SELECT count(*) FROM " + "pgroll.java_progress WHERE backfill <> '{}'"))
                    && starter.isAlive()) {
                Thread.sleep(20);
            }
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgroll' "
                    + "AND datname = current_database()");
        }
        starter.join();
        assertTrue(failure.get() instanceof PgRollException, String.valueOf(failure.get()));
        assertTrue(failure.get().getMessage().contains("run start again to resume"), failure.get().getMessage());
        PgRoll roll = PgRoll.open(PgRollConfig.of(h.url).withSchema(h.schema));
        assertEquals(Status.IN_PROGRESS, roll.status().status());
        roll.start(Harness.migration("02_alter", ALTER), StartOptions.defaults());
        assertConverted(h.version("02_alter"));
        roll.complete();
        assertEquals(List.of(), h.leftovers());
    }
}
