package io.pgroll.maven;

import io.pgroll.core.PgRollEvent;
import io.pgroll.core.PgRollListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.maven.plugin.logging.Log;

/**
 * Logs a long backfill's progress at info level: a build log has no terminal line to redraw, so one line per table
 * every few seconds, and the last batch of each table, keep it readable. A wait for a lagging standby is logged when
 * it begins (and every 10 s while it lasts) and when it ends.
 */
final class BackfillProgressLog implements PgRollListener {
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Log log;
    private final LongSupplier nanoClock;
    private final Map<String, Long> lastLoggedNanos = new HashMap<>();

    BackfillProgressLog(Log log) {
        this(log, System::nanoTime);
    }

    BackfillProgressLog(Log log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
    }

    @Override
    public void onEvent(PgRollEvent event) {
        if (event instanceof PgRollEvent.BackfillProgress progress) {
            long now = nanoClock.getAsLong();
            Long last = lastLoggedNanos.get(progress.table());
            boolean done = progress.rowsDone() >= progress.rowsTotal();
            if (last == null) {
                lastLoggedNanos.put(progress.table(), now);
            } else if (done || now - last >= INTERVAL.toNanos()) {
                lastLoggedNanos.put(progress.table(), now);
                log.info(progress.table() + ": " + progress.rowsDone() + " records complete"
                        + (progress.rowsTotal() > 0 ? " (" + 100 * progress.rowsDone() / progress.rowsTotal() + "%)" : ""));
            }
        } else if (event instanceof PgRollEvent.BackfillWaiting waiting) {
            log.info("backfill of \"" + waiting.table() + "\" waits: " + waiting.reason());
        } else if (event instanceof PgRollEvent.BackfillResumed resumed) {
            log.info("backfill of \"" + resumed.table() + "\" resumes after "
                    + String.format(Locale.ROOT, "%.1f s", resumed.waited().toMillis() / 1e3));
        }
    }
}
