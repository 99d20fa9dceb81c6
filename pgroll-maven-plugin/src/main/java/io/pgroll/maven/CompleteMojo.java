package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Completes the active migration: contracts the schema and drops the previous version schema. */
@Mojo(name = "complete", threadSafe = true)
public class CompleteMojo extends AbstractPgRollMojo {

    /**
     * Go on even while a session pinned to the previous version (application_name tagged
     * {@code pgroll:<version schema>}) is connected (command line {@code complete --force}).
     */
    @Parameter(property = "pgroll.force", defaultValue = "false")
    boolean force;

    @Override
    void run(PgRoll pgroll) {
        pgroll.complete(force);
        getLog().info(Messages.COMPLETED);
    }
}
