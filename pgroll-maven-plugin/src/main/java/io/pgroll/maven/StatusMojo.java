package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.Status;
import org.apache.maven.plugins.annotations.Mojo;

/** Logs the migration status of the schema: its latest version and whether a migration is in progress. */
@Mojo(name = "status", threadSafe = true)
public class StatusMojo extends AbstractPgRollMojo {

    @Override
    void run(PgRoll pgroll) {
        Status status = pgroll.status();
        getLog().info("schema: " + status.schema());
        getLog().info("version: " + status.version());
        getLog().info("status: " + status.status());
        if (status.note() != null) {
            getLog().warn("note: " + status.note());
        }
        Messages.warnAboutDrift(getLog(), status.schema(), status.drift());
    }
}
