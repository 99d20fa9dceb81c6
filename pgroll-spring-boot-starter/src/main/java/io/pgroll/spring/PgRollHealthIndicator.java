package io.pgroll.spring;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import io.pgroll.core.ValidateResult;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while the schema serves this application's version: its last migration is applied (active or complete) and the
 * history agrees with its files, or a newer migration is active and still keeps this version's schema (an older
 * instance during a rollout). DOWN with the reason otherwise; an error (e.g. a history that does not match) is DOWN
 * with the exception.
 */
public class PgRollHealthIndicator extends AbstractHealthIndicator {

    private final PgRoll pgroll;
    private final PgRollApplicationVersion version;

    public PgRollHealthIndicator(PgRoll pgroll, PgRollApplicationVersion version) {
        super("pgroll health check failed");
        this.pgroll = pgroll;
        this.version = version;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("applicationMigration", String.valueOf(version.lastMigration()))
                .withDetail("versionSchema", String.valueOf(version.versionSchema()));
        if (version.lastMigration() == null) {
            builder.up();
            return;
        }
        List<HistoryEntry> newer = version.newerMigrations(pgroll.history());
        if (newer == null) {
            ValidateResult result = pgroll.validate();
            builder.down().withDetail("pending", result.pending());
            return;
        }
        if (newer.isEmpty()) {
            pgroll.validate();
            builder.up();
        } else if (PgRollApplicationVersion.isStillServed(newer)) {
            builder.up().withDetail("newerActiveMigration", newer.get(0).name());
        } else {
            builder.down().withDetail("completedSince", newer.stream().map(HistoryEntry::name).toList());
        }
    }
}
