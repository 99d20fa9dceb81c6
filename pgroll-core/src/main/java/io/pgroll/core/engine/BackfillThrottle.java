package io.pgroll.core.engine;

import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.db.StatementRunner;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a backfill back between its batches for the sake of the rest of the system: it waits while a standby's replay
 * lags more than {@link StartOptions#maxReplicaLag()}, and sleeps so that the WAL the backfill writes averages at most
 * {@link StartOptions#maxWalRate()} bytes per second. With neither set it does nothing, not even a query.
 *
 * <p>Replay lag. {@code pg_stat_replication.replay_lag} alone is not enough, as measured on a standby whose replay was
 * paused with {@code pg_wal_replay_pause()}: it grows only while the primary writes (the standby replies as WAL
 * arrives), so once the backfill itself waits and the primary goes quiet it stays frozen at the value of the last
 * reply (4.6 s while the real lag went past 13 s); and after the standby has caught up it keeps showing that old value
 * until the standby's next status reply, up to {@code wal_receiver_status_interval} (10 s) later, which would hold a
 * caught-up backfill for nothing. So the lag of a standby is:
 * <ul>
 *   <li>0 once it has replayed all that was sent to it ({@code replay_lsn >= sent_lsn}), whatever replay_lag says;</li>
 *   <li>otherwise the larger of replay_lag and the age of the oldest WAL it has not replayed, by pgroll's own clock:
 *       every check notes the time and {@code pg_current_wal_lsn()}, and the earliest note past the standby's
 *       {@code replay_lsn} tells since when that WAL existed. This keeps growing while replay is stuck, with or
 *       without writes, and replay_lag covers the lag the standby already had before the first note.</li>
 * </ul>
 * Only physical standbys that stream or catch up count: a walsender of a logical slot is no standby, a
 * pg_basebackup or pg_receivewal reports no replay position, and a standby catching up after a reconnect is still one
 * whose readers see old data.
 *
 * <p>WAL rate. {@code pg_current_wal_insert_lsn()} is read before and after each batch; after a batch the backfill
 * sleeps until the WAL of the table's batches so far divided by the time since the table's backfill began is at most
 * the rate. The position is the server's, so WAL that other sessions write while a batch runs counts as the
 * backfill's, which errs on the side of writing less; what they write while the backfill sleeps or waits does not.
 */
final class BackfillThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillThrottle.class);
    /** How often a wait for standbys looks at them again. */
    private static final long POLL_MILLIS = 200;
    /** How often a long wait is reported again. */
    private static final long REPORT_NANOS = Duration.ofSeconds(10).toNanos();
    /** The walsender states of a standby that replays what it is sent (see the class comment). */
    private static final Set<String> REPLAYING = Set.of("streaming", "catchup");
    private static final String STANDBYS = """
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, r.pid, r.application_name, r.state,
                   pg_wal_lsn_diff(r.sent_lsn, '0/0')::bigint, pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint,
                   extract(epoch FROM r.replay_lag)
            FROM (SELECT 1) AS one
            LEFT JOIN pg_stat_replication AS r
              ON NOT EXISTS (SELECT 1 FROM pg_replication_slots AS s
                             WHERE s.active_pid = r.pid AND s.slot_type = 'logical')
            """;

    private final StatementRunner runner;
    private final Duration maxReplicaLag;
    private final long maxWalRate;
    private final Backfill.Progress progress;
    private String table;
    /** When the current table's backfill began, and the WAL its batches wrote since (rate limit). */
    private long tableStartNanos;
    private long walWritten;
    /** The insert position when the current batch began. */
    private long walMark;
    /** pg_current_wal_lsn() at the times of earlier checks, oldest first, each later one at a higher position. */
    private final ArrayDeque<Note> notes = new ArrayDeque<>();
    private boolean warned;

    BackfillThrottle(StatementRunner runner, StartOptions options, Backfill.Progress progress) {
        this.runner = runner;
        this.maxReplicaLag = options.maxReplicaLag();
        this.maxWalRate = options.maxWalRate();
        this.progress = progress;
    }

    private record Note(long lsn, long nanos) {
    }

    /** A standby and its lag in seconds. */
    private record Standby(String name, double lag) {
    }

    /** The backfill of {@code table} (its fill or its catch-up) is about to run its first batch. */
    void begin(String table) {
        this.table = table;
        if (maxReplicaLag != null) {
            awaitStandbys();
        }
        if (maxWalRate > 0) {
            tableStartNanos = System.nanoTime();
            walWritten = 0;
            walMark = insertLsn();
        }
    }

    /** A batch of the current table has been committed; returns when the next one may run. */
    void afterBatch() {
        long afterBatch = 0;
        boolean paused = false;
        if (maxWalRate > 0) {
            afterBatch = insertLsn();
            walWritten += afterBatch - walMark;
            paused = sleepNanos(tableStartNanos + (long) (walWritten * 1e9 / maxWalRate) - System.nanoTime());
        }
        if (maxReplicaLag != null) {
            paused |= awaitStandbys();
        }
        if (maxWalRate > 0) {
            // what others wrote while the backfill paused is not the backfill's
            walMark = paused ? insertLsn() : afterBatch;
        }
    }

    private long insertLsn() {
        return Long.parseLong(runner.query("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")
                .get(0).get(0));
    }

    /** Returns whether it waited. */
    private boolean awaitStandbys() {
        long waitStart = 0;
        long reported = 0;
        boolean waiting = false;
        for (Standby worst = laggingStandby(); worst != null; worst = laggingStandby()) {
            long now = System.nanoTime();
            if (!waiting || now - reported >= REPORT_NANOS) {
                // rounded up (to hundredths below a second), so that a lag just over the limit does not read as equal
                double shown = worst.lag() < 1 ? Math.ceil(worst.lag() * 100) / 100 : Math.ceil(worst.lag() * 10) / 10;
                String reason = String.format(Locale.ROOT, "standby \"%s\" replay lag %s s > %s", worst.name(),
                        BigDecimal.valueOf(shown).stripTrailingZeros().toPlainString(), seconds(maxReplicaLag));
                LOG.info("backfill of {} waits: {}", table, reason);
                progress.waiting(table, reason);
                waitStart = waiting ? waitStart : now;
                waiting = true;
                reported = now;
            }
            sleepNanos(Duration.ofMillis(POLL_MILLIS).toNanos());
        }
        if (waiting) {
            Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
            LOG.info("backfill of {} resumes after {} s", table,
                    String.format(Locale.ROOT, "%.1f", waited.toMillis() / 1e3));
            progress.resumed(table, waited);
        }
        return waiting;
    }

    /** The standby lagging the most if it lags more than allowed, else null; notes the WAL position. */
    private Standby laggingStandby() {
        List<List<String>> rows = runner.query(STANDBYS);
        long now = System.nanoTime();
        long currentLsn = Long.parseLong(rows.get(0).get(0));
        Standby worst = null;
        long replayedByAll = currentLsn;
        boolean unreadable = false;
        for (List<String> row : rows) {
            if (row.get(1) == null) {
                continue; // no walsender at all
            }
            if (row.get(3) == null) {
                unreadable = true; // a role without pg_read_all_stats sees the pid only
                continue;
            }
            if (!REPLAYING.contains(row.get(3)) || row.get(5) == null) {
                continue;
            }
            long replayed = Long.parseLong(row.get(5));
            replayedByAll = Math.min(replayedByAll, replayed);
            double lag = lag(replayed, Long.parseLong(row.get(4)), row.get(6), now);
            if (worst == null || lag > worst.lag()) {
                worst = new Standby(row.get(2), lag);
            }
        }
        if (worst == null) {
            warnOnce(unreadable
                    ? "cannot see the standbys' positions in pg_stat_replication (the role needs pg_monitor or "
                            + "pg_read_all_stats); the backfill does not wait for standbys"
                    : "no streaming standby is visible in pg_stat_replication; the backfill does not wait for "
                            + "standbys");
        }
        while (!notes.isEmpty() && notes.peekFirst().lsn() <= replayedByAll) {
            notes.removeFirst(); // every standby has replayed it: it can no longer date any lag
        }
        if (notes.isEmpty() || notes.peekLast().lsn() < currentLsn) {
            notes.addLast(new Note(currentLsn, now));
        }
        return worst != null && worst.lag() > maxReplicaLag.toMillis() / 1e3 ? worst : null;
    }

    /** A standby's replay lag in seconds (see the class comment for why it is not just replay_lag). */
    private double lag(long replayed, long sent, String replayLag, long now) {
        if (replayed >= sent) {
            return 0;
        }
        double reported = replayLag == null ? 0 : Double.parseDouble(replayLag);
        double unreplayedAge = notes.stream().filter(n -> n.lsn() > replayed).findFirst()
                .map(n -> (now - n.nanos()) / 1e9).orElse(0.0);
        return Math.max(reported, unreplayedAge);
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.warn("max replica lag is set, but {}", message);
        }
    }

    /** A duration as seconds, without trailing zeros: "1 s", "0.5 s". */
    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** Returns whether it slept. */
    private static boolean sleepNanos(long nanos) {
        if (nanos <= 0) {
            return false;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgRollException("backfill interrupted");
        }
        return true;
    }
}
