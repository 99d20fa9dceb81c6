package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import io.pgroll.core.PgRollEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The progress line with a clock that moves only when told, fed the way the core's backfill feeds it. */
class BackfillProgressLineTest {

    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now = 5_000 * MS;
    private final BackfillProgressLine line = new BackfillProgressLine(err, true, () -> now);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The live lines drawn, in order. */
    private List<String> drawn() {
        Matcher m = Pattern.compile("\r([^\r\n]*records complete[^\r\n]*?) *(?=\r|$)").matcher(output());
        return m.results().map(r -> r.group(1)).toList();
    }

    /** What a terminal would show once everything is written: carriage returns overwrite. */
    private List<String> screen() {
        // not String.lines(), which would end a line at every \r too
        return Arrays.stream(output().split("\n")).map(l -> {
            String[] parts = l.split("\r", -1);
            return parts[parts.length - 1].stripTrailing();
        }).toList();
    }

    @Test
    void manyUpdatesWithinATenthOfASecondDrawOnce() {
        for (int i = 1; i <= 50; i++) {
            line.update("users", i * 100L, 100_000);
            now += MS; // 50 batches in 50 ms
        }
        assertEquals(List.of("users: 100 records complete... (0%)"), drawn());

        now += 50 * MS; // 100 ms after the first draw
        line.update("users", 5_100, 100_000);
        assertEquals(2, drawn().size(), output());
        assertEquals("users: 5100 records complete... (5%), 50000 rows/s, ETA 1.9 s", drawn().get(1));
    }

    @Test
    void aTablesFinalNumbersAreShownEvenWhenTheLastBatchCameTooSoon() {
        line.update("users", 1_000, 3_000);
        now += 10 * MS;
        line.update("users", 2_000, 3_000);
        now += 10 * MS;
        line.update("users", 3_000, 3_000); // last batch, within 100 ms: not drawn yet
        assertEquals(1, drawn().size(), output());
        line.update("users", 3_000, 3_000); // the core's report that the table is done
        assertEquals("users: 3000 records complete... (100%), 100000 rows/s, ETA 0.0 s", drawn().get(1));
    }

    @Test
    void theEndIsShownWhenTheEstimatedTotalWasTooHigh() {
        line.update("users", 1_000, 5_000);
        now += 10 * MS;
        line.update("users", 2_500, 5_000);
        line.update("users", 2_500, 5_000);
        assertEquals("users: 2500 records complete... (50%), 150000 rows/s, ETA 0.0 s",
                drawn().get(drawn().size() - 1));
    }

    @Test
    void aRepeatAlreadyOnScreenIsNotDrawnAgain() {
        line.update("users", 1_000, 5_000);
        for (int i = 0; i < 20; i++) {
            now += MS;
            line.update("users", 1_000, 5_000); // batches over empty pages
        }
        assertEquals(1, drawn().size(), output());
    }

    @Test
    void finishReplacesTheLineBySummaries() {
        line.update("users", 100_000, 1_000_000);
        for (int i = 2; i <= 10; i++) {
            now += 400 * MS;
            line.update("users", i * 100_000L, 1_000_000);
        }
        line.update("users", 1_000_000, 1_000_000);
        now += 50 * MS;
        line.update("books", 20, 20); // a small table: one batch
        line.update("books", 20, 20);
        line.finish();

        assertEquals(List.of(
                "users: 1000000 rows backfilled in 4.0 s (250000 rows/s)",
                "books: 20 rows backfilled"), screen());
        assertTrue(output().endsWith("\n"), output());
        // each summary starts on a blanked line, not after the remains of the longer progress line
        assertTrue(output().contains("\r" + " ".repeat("users: 1000000 records complete... (100%), 250000 rows/s, ETA 0.0 s"
                .length()) + "\rusers: 1000000 rows backfilled"), output());
    }

    @Test
    void theSameTableAgainInALaterMigrationGetsASummaryOfItsOwn() {
        line.update("users", 500, 1_000);
        now += 100 * MS;
        line.update("users", 1_000, 1_000);
        line.update("users", 1_000, 1_000);
        now += 200 * MS;
        line.update("users", 250, 1_000);
        now += 100 * MS;
        line.update("users", 1_000, 1_000);
        line.update("users", 1_000, 1_000);
        line.finish();
        assertEquals(List.of(
                "users: 1000 rows backfilled in 0.2 s (5000 rows/s)",
                "users: 1000 rows backfilled in 0.1 s (7500 rows/s)"), screen());
    }

    @Test
    void longBackfillsShowMinutes() {
        line.update("events", 1_000_000, 100_000_000);
        now += 125_000 * MS;
        line.update("events", 51_000_000, 100_000_000);
        assertEquals("events: 51000000 records complete... (51%), 400000 rows/s, ETA 2m03s", drawn().get(1));
        line.finish();
        assertEquals(List.of("events: 51000000 rows backfilled in 2m08s (400000 rows/s)"), screen());
    }

    @Test
    void finishWithoutABackfillPrintsNothing() {
        line.finish();
        assertEquals("", output());
    }

    @Test
    void silentWithoutATerminal() {
        BackfillProgressLine quiet = new BackfillProgressLine(err, false, () -> now);
        quiet.update("users", 100, 1_000);
        now += 500 * MS;
        quiet.update("users", 1_000, 1_000);
        quiet.update("users", 1_000, 1_000);
        quiet.finish();
        assertEquals("", output());
    }

    @Test
    void waitsForAStandbyAreToldOnLinesOfTheirOwn() {
        line.update("users", 1_000, 3_000);
        line.onEvent(new PgRollEvent.BackfillWaiting("m", "users",
                "standby \"walreceiver\" replay lag 3.2 s > 1 s"));
        now += 12_300 * MS;
        line.onEvent(new PgRollEvent.BackfillResumed("m", "users", Duration.ofMillis(12_300)));
        line.update("users", 2_000, 3_000);
        line.finish();
        List<String> screen = screen();
        assertEquals(List.of("backfill of \"users\" waits: standby \"walreceiver\" replay lag 3.2 s > 1 s",
                "backfill of \"users\" resumes after 12.3 s"), screen.subList(0, 2), output());
        assertTrue(screen.get(2).startsWith("users: 2000 rows backfilled"), output());
        assertEquals(3, screen.size(), output());
    }

    @Test
    void waitsAreToldWithoutATerminalToo() {
        BackfillProgressLine quiet = new BackfillProgressLine(err, false, () -> now);
        quiet.update("users", 100, 1_000);
        quiet.onEvent(new PgRollEvent.BackfillWaiting("m", "users", "standby \"s\" replay lag 0.75 s > 0.5 s"));
        quiet.onEvent(new PgRollEvent.BackfillResumed("m", "users", Duration.ofSeconds(2)));
        quiet.finish();
        assertEquals("backfill of \"users\" waits: standby \"s\" replay lag 0.75 s > 0.5 s\n"
                + "backfill of \"users\" resumes after 2.0 s\n", output().replace(System.lineSeparator(), "\n"));
    }
}
