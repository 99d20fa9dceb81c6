package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Creates or upgrades pgroll's state schema (command line {@code init}); idempotent. The goals that change the schema
 * do it themselves when needed; this one is for plan, status and history on a database pgroll has not seen.
 */
@Mojo(name = "init", threadSafe = true)
public class InitMojo extends AbstractPgRollMojo {

    @Override
    void run(PgRoll pgroll) {
        pgroll.init();
        getLog().info("Initialization complete");
    }
}
