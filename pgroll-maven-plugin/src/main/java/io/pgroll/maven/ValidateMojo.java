package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.ValidateResult;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Checks the migration files against the database without changing anything: every file reads, the migrations
 * applied are the files' first ones and unchanged, and the first pending migration is valid against the live schema.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.COMPILE)
public class ValidateMojo extends AbstractPgRollMojo {

    @Override
    void run(PgRoll pgroll) {
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
