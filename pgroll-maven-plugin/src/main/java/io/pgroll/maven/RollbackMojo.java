package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Rolls back the active migration; data written through either version in the meantime is kept. */
@Mojo(name = "rollback", threadSafe = true)
public class RollbackMojo extends AbstractPgRollMojo {

    /**
     * Go on even while a session pinned to the migration's version (application_name tagged
     * {@code pgroll:<version schema>}) is connected (command line {@code rollback --force}).
     */
    @Parameter(property = "pgroll.force", defaultValue = "false")
    boolean force;

    @Override
    void run(PgRoll pgroll) {
        pgroll.rollback(force);
        getLog().info("Migration rolled back. Changes made since the last version have been reverted");
    }
}
