package io.pgroll.spring;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.MigrateOptions;
import io.pgroll.core.MigrateResult;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.ValidateResult;
import io.pgroll.core.migration.Migration;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs the configured {@link PgRollProperties.Strategy} when the context starts. Beans that depend on database
 * initialization (JdbcTemplate, JdbcClient, EntityManagerFactory, {@code @DependsOnDatabaseInitialization} beans) are
 * created after it, through the {@link PgRollMigrationInitializerDatabaseInitializerDetector}.
 */
public class PgRollMigrationInitializer implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(PgRollMigrationInitializer.class);

    private final PgRoll pgroll;
    private final PgRollApplicationVersion version;
    private final PgRollProperties.Strategy strategy;
    private final boolean forceComplete;
    private final Duration lockWait;

    public PgRollMigrationInitializer(PgRoll pgroll, PgRollApplicationVersion version,
                                      PgRollProperties.Strategy strategy, boolean forceComplete, Duration lockWait) {
        this.pgroll = pgroll;
        this.version = version;
        this.strategy = strategy;
        this.forceComplete = forceComplete;
        this.lockWait = lockWait;
    }

    @Override
    public void afterPropertiesSet() {
        switch (strategy) {
            case START -> migrate(false);
            case START_COMPLETE -> migrate(true);
            case VALIDATE -> validate();
            case NONE -> LOG.info("pgroll: strategy none, migrations left as they are");
        }
    }

    private void migrate(boolean completeLast) {
        MigrateOptions options = MigrateOptions.defaults().waitingForLock(lockWait);
        if (completeLast) {
            options = options.completing();
        }
        if (forceComplete) {
            options = options.forced();
        }
        MigrateResult result = pgroll.migrate(options);
        if (result.activeMigration() == null) {
            LOG.info("pgroll: applied {}{}", result.applied(), result.lastCompleted() ? ", all completed" : "");
            return;
        }
        if (version.lastMigration() == null) {
            LOG.info("pgroll: {} is active, this application has no migrations", result.activeMigration());
            return;
        }
        if (result.activeMigration().equals(version.lastMigration())) {
            if (completeLast) {
                pgroll.complete(forceComplete);
                LOG.info("pgroll: completed {}", result.activeMigration());
            } else {
                LOG.info("pgroll: {} is active, nothing to apply", result.activeMigration());
            }
            return;
        }
        // Another migration is active: fine for the previous release, whose version schema that migration keeps,
        // but a newer release would run against a version schema that does not exist yet, an older one against one
        // that is gone.
        List<HistoryEntry> newer = version.newerMigrations(pgroll.history());
        if (newer == null) {
            throw new MigrationStateException("migration " + result.activeMigration() + " is active, so "
                    + version.lastMigration() + " cannot be started: complete or roll back "
                    + result.activeMigration() + " first");
        }
        if (!PgRollApplicationVersion.isStillServed(newer)) {
            throw new MigrationStateException("this application's migration " + version.lastMigration()
                    + " is older than " + newer.stream().map(HistoryEntry::name).toList()
                    + ", whose completes dropped its version schema");
        }
        LOG.info("pgroll: {} is active; the previous version, this application's {}, is still served",
                result.activeMigration(), version.lastMigration());
    }

    private void validate() {
        if (!pgroll.isInitialized()) {
            throw new MigrationStateException("pgroll validate: pgroll is not initialized, migrations pending "
                    + pgroll.migrations().stream().map(Migration::name).toList());
        }
        ValidateResult result = pgroll.validate();
        if (!result.upToDate()) {
            throw new MigrationStateException("pgroll validate: migrations pending " + result.pending());
        }
        LOG.info("pgroll: validated, nothing pending{}",
                result.activeMigration() == null ? "" : " (" + result.activeMigration() + " active)");
    }
}
