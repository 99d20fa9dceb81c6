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

    BackfillProgressLine(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    @Override
    public synchronized void update(String table, long rowsDone, long rowsTotal) {
        if (!enabled) {
            return;
        }
        String text = rowsTotal > 0
                ? String.format("%s: %d records complete... (%d%%)", table, rowsDone,
                        Math.min(100, rowsDone * 100 / rowsTotal))
                : String.format("%s: %d records complete...", table, rowsDone);
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < lastLength; i++) {
            line.append(' ');
        }
        lastLength = text.length();
        err.print(line);
        err.flush();
        dirty = true;
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
