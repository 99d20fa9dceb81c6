package io.pgroll.spring;

import io.pgroll.core.HistoryEntry;
import io.pgroll.core.PgRoll;
import io.pgroll.core.Status;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** The {@code pgroll} actuator endpoint: the migration state of the schema and the version this application uses. */
@Endpoint(id = "pgroll")
public class PgRollEndpoint {

    private final PgRoll pgroll;
    private final PgRollApplicationVersion version;

    public PgRollEndpoint(PgRoll pgroll, PgRollApplicationVersion version) {
        this.pgroll = pgroll;
        this.version = version;
    }

    @ReadOperation
    public PgRollReport pgroll() {
        List<HistoryEntry> history = pgroll.history();
        String active = history.stream().filter(h -> !h.done()).map(HistoryEntry::name).findFirst().orElse(null);
        return new PgRollReport(pgroll.status(), active, version, history);
    }

    /**
     * What the endpoint reports.
     *
     * @param status              the schema's status, as pgroll status prints it
     * @param activeMigration     the migration started and not completed, or null
     * @param applicationVersion  this application's last migration and the version schema it is pinned to
     * @param history             the migrations of the schema, oldest first
     */
    public record PgRollReport(Status status, String activeMigration, PgRollApplicationVersion applicationVersion,
                               List<HistoryEntry> history) {
    }
}
