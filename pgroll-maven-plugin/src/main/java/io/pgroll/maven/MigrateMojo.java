package io.pgroll.maven;

import io.pgroll.core.MigrateOptions;
import io.pgroll.core.MigrateResult;
import io.pgroll.core.PgRoll;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Applies the migrations the database has not seen, in file name order: all but the last are started and completed,
 * the last is left active unless {@code complete}. Initialises pgroll's state schema when needed; fails, applying
 * nothing, while a migration is active.
 */
@Mojo(name = "migrate", threadSafe = true, requiresDependencyResolution = ResolutionScope.COMPILE)
public class MigrateMojo extends AbstractPgRollMojo {

    /** Complete the last migration too (command line {@code migrate --complete}). */
    @Parameter(property = "pgroll.complete", defaultValue = "false")
    boolean complete;

    /**
     * Complete even while a session pinned to the version a complete drops is connected (command line
     * {@code --force}).
     */
    @Parameter(property = "pgroll.force", defaultValue = "false")
    boolean force;

    @Override
    void run(PgRoll pgroll) throws MojoFailureException {
        MigrateOptions options = MigrateOptions.defaults();
        options = complete ? options.completing() : options;
        options = force ? options.forced() : options;
        MigrateResult result = pgroll.migrate(options);
        if (result.activeMigration() != null) {
            throw Messages.active(result.activeMigration());
        }
        Messages.warnAboutDrift(getLog(), schema, result.drift());
        if (result.upToDate()) {
            getLog().info(Messages.UP_TO_DATE);
            return;
        }
        List<String> applied = result.applied();
        for (int i = 0; i < applied.size(); i++) {
            String name = applied.get(i);
            if (i < applied.size() - 1 || result.lastCompleted()) {
                getLog().info("Migration \"" + name + "\" complete");
            } else {
                getLog().info(Messages.started(name, result.versionSchema()));
            }
        }
    }
}
