package io.pgroll.core;

import java.time.Duration;
import java.util.List;

/**
 * What {@code start} did.
 *
 * @param migrationName   the migration started
 * @param versionSchema   the new version schema, or null when version schemas are disabled
 * @param backfilledRows  rows the backfill rewrote
 * @param backfillTime    time the backfill took
 * @param drift           what had changed outside pgroll since the last migration when this one started, as
 *                        {@link Status#drift()} lists it: the new version shows it as if the migration had made it
 */
public record StartResult(String migrationName, String versionSchema, long backfilledRows, Duration backfillTime,
                          List<String> drift) {
    public StartResult {
        drift = List.copyOf(drift);
    }
}
