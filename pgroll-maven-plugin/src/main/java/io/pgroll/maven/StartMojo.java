package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.StartResult;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Starts one migration: expands the schema and creates its version schema beside the previous one. Initialises
 * pgroll's state schema when needed, as migrate does.
 */
@Mojo(name = "start", threadSafe = true, requiresDependencyResolution = ResolutionScope.COMPILE)
public class StartMojo extends AbstractPgRollMojo {

    /** The name of the migration to start (its file name without extension); default the first pending one. */
    @Parameter(property = "pgroll.migration")
    String migration;

    /** Complete the migration right after starting it (command line {@code start --complete}). */
    @Parameter(property = "pgroll.complete", defaultValue = "false")
    boolean complete;

    @Override
    void run(PgRoll pgroll) throws MojoFailureException {
        if (!pgroll.isInitialized()) {
            pgroll.migrations(); // as migrate does: a bad file fails the build before the state schema is created
            pgroll.init();
        }
        StartResult result = pgroll.start(Messages.chosen(pgroll, migration));
        Messages.warnAboutDrift(getLog(), schema, result.drift());
        if (complete) {
            pgroll.complete();
            getLog().info(Messages.COMPLETED);
        } else {
            Messages.logStarted(getLog(), result);
        }
    }
}
