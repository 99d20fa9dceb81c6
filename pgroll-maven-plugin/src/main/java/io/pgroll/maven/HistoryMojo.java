package io.pgroll.maven;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugins.annotations.Mojo;

/** Logs the schema's migration history, oldest first: name, kind, whether it is complete, when it was started. */
@Mojo(name = "history", threadSafe = true)
public class HistoryMojo extends AbstractPgRollMojo {

    @Override
    void run(PgRoll pgroll) {
        List<HistoryEntry> history = pgroll.history();
        if (history.isEmpty()) {
            getLog().info("No migrations");
        }
        for (HistoryEntry entry : history) {
            getLog().info(entry.name() + "  " + entry.type().name().toLowerCase(Locale.ROOT) + "  "
                    + (entry.done() ? "complete" : "active") + "  " + entry.createdAt());
        }
    }
}
