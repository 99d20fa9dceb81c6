package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.ValidateResult;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Checks the migration files against the database without changing anything: every file reads, the migrations
 * applied are the files' first ones and unchanged, and the first pending migration is valid against the live schema.
 * On a database where pgroll has not been initialised only the files are read.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.COMPILE)
public class ValidateMojo extends AbstractPgRollMojo {

    @Override
    void run(PgRoll pgroll) {
        if (!pgroll.isInitialized()) {
            // a fresh database has no history to check the files against, and validate must not create the state
            getLog().info("pgroll is not initialized in this database: all " + pgroll.migrations().size()
                    + " migrations are pending");
            return;
        }
        ValidateResult result = pgroll.validate();
        if (result.activeMigration() != null) {
            getLog().info("Migration \"" + result.activeMigration() + "\" is active");
        }
        if (result.upToDate()) {
            getLog().info(Messages.UP_TO_DATE);
        } else {
            getLog().info(result.pending().size() + " pending migration(s): " + String.join(", ", result.pending())
                    + (result.activeMigration() == null ? "; \"" + result.pending().get(0) + "\" is valid" : ""));
        }
    }
}
