package io.pgroll.cli;

import io.pgroll.core.StartOptions;
import java.io.PrintStream;

/**
 * Shows backfill progress as one line on stderr that is rewritten in place ({@code \r}), only when a terminal is
 * attached; otherwise it stays silent so that logs and pipes get no control characters.
 */
final class BackfillProgressLine implements StartOptions.BackfillProgress {

    private final PrintStream err;
    private final boolean enabled;
    private int lastLength;
    private boolean dirty;
    private String table;
    private long startNanos;

    BackfillProgressLine(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    @Override
    public synchronized void update(String table, long rowsDone, long rowsTotal) {
        if (!enabled) {
            return;
        }
        if (!table.equals(this.table)) {
            this.table = table;
            this.startNanos = System.nanoTime();
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double rate = rowsDone / seconds;
        String text = rowsTotal > 0
                ? String.format("%s: %d records complete... (%d%%), %.0f rows/s, ETA %s", table, rowsDone,
                        Math.min(100, rowsDone * 100 / rowsTotal), rate,
                        rate > 0 ? eta((rowsTotal - Math.min(rowsDone, rowsTotal)) / rate) : "?")
                : String.format("%s: %d records complete..., %.0f rows/s", table, rowsDone, rate);
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < lastLength; i++) {
            line.append(' ');
        }
        lastLength = text.length();
        err.print(line);
        err.flush();
        dirty = true;
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Ends the progress line, if one was drawn. */
    synchronized void finish() {
        if (dirty) {
            err.println();
            err.flush();
            dirty = false;
            lastLength = 0;
        }
    }
}
