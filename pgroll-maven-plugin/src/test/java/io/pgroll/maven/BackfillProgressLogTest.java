package io.pgroll.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.PgRollEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

class BackfillProgressLogTest {
    private final List<String> logged = new ArrayList<>();
    private long now;
    private final BackfillProgressLog progress = new BackfillProgressLog(new SystemStreamLog() {
        @Override
        public void info(CharSequence content) {
            logged.add(content.toString());
        }
    }, () -> now);

    @Test
    void logsEachTableEveryFiveSecondsAndWhenItIsDone() {
        batch("books", 1000, 0);
        batch("books", 2000, 4);
        batch("books", 3000, 5);
        batch("loans", 10, 5);
        batch("books", 4000, 9);
        batch("books", 5000, 11);
        batch("loans", 100, 12);

        assertEquals(List.of("books: 3000 records complete (60%)", "books: 5000 records complete (100%)",
                "loans: 100 records complete (100%)"), logged);
    }

    @Test
    void aBackfillOfOneBatchLogsNothing() {
        batch("books", 5000, 0);

        assertEquals(List.of(), logged);
    }

    @Test
    void waitsForAStandbyAreLogged() {
        progress.onEvent(new PgRollEvent.BackfillWaiting("m", "books", "standby \"s\" replay lag 3.2 s > 1 s"));
        progress.onEvent(new PgRollEvent.BackfillResumed("m", "books", Duration.ofMillis(12_340)));

        assertEquals(List.of("backfill of \"books\" waits: standby \"s\" replay lag 3.2 s > 1 s",
                "backfill of \"books\" resumes after 12.3 s"), logged);
    }

    private void batch(String table, long rowsDone, long atSeconds) {
        now = Duration.ofSeconds(atSeconds).toNanos();
        progress.onEvent(new PgRollEvent.BackfillProgress("m", table, rowsDone, table.equals("books") ? 5000 : 100));
    }
}
