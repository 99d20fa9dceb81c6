package io.pgroll.cli;

import io.pgroll.core.PgRollEvent;
import io.pgroll.core.PgRollListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows backfill progress as one line on stderr that is rewritten in place ({@code \r}), replaced by a summary line
 * once the table is done (when the backfill moves on to another table, or at {@link #finish()}). Only when a terminal
 * is attached; otherwise it stays silent so that logs and pipes get no control characters.
 *
 * <p>The core reports after every batch, which with small batches is hundreds of times a second, more than anyone can
 * read: the line is redrawn at most once per {@link #REDRAW_NANOS}. A table's first report is always drawn, and so is
 * a report that repeats numbers not yet on screen: the core repeats a table's last numbers when the table is done, and
 * that repeat is the only sign of the end (the total is an estimate, so done == total is not), so the line never
 * stays on stale numbers while the rest of the migration runs.
 *
 * <p>A backfill that waits for a lagging standby, and goes on again, is told in a line of its own, terminal or not:
 * waits can be long, and whoever reads a log wants to know why nothing moves.
 */
final class BackfillProgressLine implements PgRollListener {

    static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    /** Length of the text on the current line, so that it can be blanked out; 0 when nothing is drawn. */
    private int drawnLength;
    private long lastDrawNanos;
    /** The table being backfilled; null before the first report and after its summary. */
    private Run run;

    BackfillProgressLine(PrintStream err, boolean enabled) {
        this(err, enabled, System::nanoTime);
    }

    BackfillProgressLine(PrintStream err, boolean enabled, LongSupplier nanoClock) {
        this.err = err;
        this.enabled = enabled;
        this.nanoClock = nanoClock;
    }

    /** One table's backfill as reported so far. */
    private static final class Run {
        final String table;
        final long firstNanos;
        final long firstDone;
        long lastNanos;
        long done;
        long total;
        boolean onScreen;

        Run(String table, long nanos, long done) {
            this.table = table;
            this.firstNanos = nanos;
            this.firstDone = done;
        }

        /**
         * Rows per second after the first report, or 0 when not known yet. The core reports only after a batch, so the
         * first batch's own duration is never seen; its rows are left out rather than credited to no time at all.
         */
        double rate() {
            return done > firstDone && lastNanos > firstNanos
                    ? (done - firstDone) / ((lastNanos - firstNanos) / 1e9) : 0;
        }
    }

    @Override
    public void onEvent(PgRollEvent event) {
        if (event instanceof PgRollEvent.BackfillProgress batch) {
            update(batch.table(), batch.rowsDone(), batch.rowsTotal());
        } else if (event instanceof PgRollEvent.BackfillWaiting waiting) {
            notice("backfill of \"" + waiting.table() + "\" waits: " + waiting.reason());
        } else if (event instanceof PgRollEvent.BackfillResumed resumed) {
            notice("backfill of \"" + resumed.table() + "\" resumes after "
                    + duration(resumed.waited().toMillis() / 1e3));
        }
    }

    /** Prints a line of its own; a progress line on screen is blanked out first, and drawn again by the next report. */
    private synchronized void notice(String text) {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            drawnLength = 0;
            run.onScreen = false;
        }
        err.println(text);
        err.flush();
    }

    synchronized void update(String table, long rowsDone, long rowsTotal) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
        // Counts only grow within one backfill; a smaller one is the same table again in a later migration (migrate).
        boolean first = run == null || !run.table.equals(table) || rowsDone < run.done;
        if (first) {
            endRun();
            run = new Run(table, now, rowsDone);
        }
        boolean repeat = !first && rowsDone == run.done && rowsTotal == run.total;
        run.lastNanos = now;
        run.done = rowsDone;
        run.total = rowsTotal;
        if (first || (repeat && !run.onScreen) || now - lastDrawNanos >= REDRAW_NANOS) {
            draw(liveText());
            lastDrawNanos = now;
            run.onScreen = true;
        } else if (!repeat) {
            run.onScreen = false;
        }
    }

    /** Replaces the progress line by the summary of the table being backfilled, if any. */
    synchronized void finish() {
        if (enabled) {
            endRun();
        }
    }

    private void endRun() {
        if (run == null) {
            return;
        }
        // blank the progress line out, so that the summary does not end with the rest of a longer live line
        err.print("\r" + " ".repeat(drawnLength) + "\r");
        err.println(summary());
        err.flush();
        drawnLength = 0;
        run = null;
    }

    private void draw(String text) {
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < drawnLength; i++) {
            line.append(' ');
        }
        drawnLength = text.length();
        err.print(line);
        err.flush();
    }

    private String liveText() {
        StringBuilder text = new StringBuilder(run.table).append(": ").append(run.done).append(" records complete...");
        if (run.total > 0) {
            text.append(" (").append(Math.min(100, run.done * 100 / run.total)).append("%)");
        }
        double rate = run.rate();
        if (rate > 0) {
            text.append(", ").append(Math.round(rate)).append(" rows/s");
            if (run.total > 0) {
                text.append(", ETA ").append(duration(Math.max(0, run.total - run.done) / rate));
            }
        }
        return text.toString();
    }

    private String summary() {
        String rows = run.table + ": " + run.done + " rows backfilled";
        double rate = run.rate();
        if (rate == 0) {
            // all rows came in the first batch, whose duration is unseen: no time is better than a wrong one
            return rows;
        }
        // the first batch counted at the rate of the others, since its own time is unseen
        return rows + " in " + duration(run.done / rate) + " (" + Math.round(rate) + " rows/s)";
    }

    private static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
