package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.VersionPinning;
import io.pgroll.core.db.StatementRunner;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the live sessions pinned to a version schema that a complete or rollback is about to drop: those of the same
 * database whose application_name carries the version's tag (see {@link VersionPinning}). A session's search_path
 * cannot be seen from another session, so a client that set it by hand, without the tag, is not found. A role without
 * pg_read_all_stats sees other roles' application_name but not their address or start: those show as unknown.
 */
final class PinnedSessions {
    private final StatementRunner runner;

    PinnedSessions(StatementRunner runner) {
        this.runner = runner;
    }

    /** Refuses to go on while a session is pinned to {@code versionSchema}; nothing has changed when it refuses. */
    void requireNone(String command, String versionSchema) {
        List<String> found = runner.query("""
                SELECT pid, application_name, COALESCE(host(client_addr), CASE WHEN backend_start IS NULL
                       THEN 'unknown' ELSE 'local' END), COALESCE(date_trunc('second', backend_start)::text, 'unknown')
                FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE '%pgroll:%'
                ORDER BY backend_start, pid""").stream()
                .filter(r -> VersionPinning.isTagged(r.get(1), versionSchema))
                .map(r -> "pid " + r.get(0) + " (application_name \"" + r.get(1) + "\", client " + r.get(2)
                        + ", started " + r.get(3) + ")")
                .collect(Collectors.toList());
        if (!found.isEmpty()) {
            throw new MigrationStateException(command + " would drop version schema \"" + versionSchema + "\", which "
                    + (found.size() == 1 ? "a session is" : found.size() + " sessions are") + " pinned to: "
                    + String.join(", ", found) + "; nothing was changed: close or re-pin "
                    + (found.size() == 1 ? "it" : "them") + " first, then run " + command + " again, or force it");
        }
    }
}
