package io.pgroll.core.db;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import io.pgroll.core.explain.LockMode;
import io.pgroll.core.explain.StatementClassifier;
import io.pgroll.core.plan.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps on the migration connection (autocommit, lock_timeout set), retrying a step as a whole whenever it fails
 * to get a lock in time.
 */
public final class StatementRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StatementRunner.class);

    /**
     * deadlock_timeout (ms) a superuser sets for a step waiting out an autovacuum: clients queue behind the step's
     * lock request until the server has cancelled the vacuum, so this is about how long they wait (the benchmark's
     * clients waited 100 ms with 100).
     */
    private static final long AUTOVACUUM_DEADLOCK_TIMEOUT_MS = 30;
    /** duplicate_table, duplicate_object */
    private static final java.util.Set<String> DUPLICATE_OBJECT = java.util.Set.of("42P07", "42710");

    private final Connection connection;
    private final LockRetry retry;
    private String savedLockTimeout;
    /** Whether the session's deadlock_timeout was changed for a step (only a superuser may). */
    private boolean deadlockTimeoutChanged;

    public StatementRunner(Connection connection, LockRetry retry) {
        this.connection = connection;
        this.retry = retry;
    }

    public Connection connection() {
        return connection;
    }

    public void execute(Step step) {
        long start = System.nanoTime();
        boolean outwaitNext = false;
        boolean triedOutwaiting = false;
        boolean patient = queuesNoClient(step);
        for (int attempt = 0; ; attempt++) {
            String[] current = new String[1];
            boolean outwaiting = outwaitNext;
            outwaitNext = false;
            try {
                runOnce(outwaiting ? outwaitingAutovacuum(step) : patient ? withoutLockTimeout(step) : step, current);
                return;
            } catch (SQLException e) {
                cleanUp(step, e);
                if (LockRetry.isLockTimeout(e) && retry.shouldRetry(start)) {
                    if (!triedOutwaiting && autovacuumRunning()) {
                        triedOutwaiting = true;
                        outwaitNext = true;
                        LOG.info("lock not available for [{}] while autovacuum runs; letting the server cancel it",
                                firstLine(step));
                        continue;
                    }
                    long waitMs = retry.delay(attempt).toMillis();
                    LOG.info("lock not available for [{}]; retrying in {} ms", firstLine(step), waitMs);
                    sleep(waitMs);
                    continue;
                }
                throw new SqlFailure(current[0], e);
            } finally {
                if ((outwaiting || patient) && runsAlone(step)) {
                    restoreTimeouts();
                }
            }
        }
    }

    /**
     * Whether every statement of the step is one that waits for a SHARE UPDATE EXCLUSIVE lock and takes nothing that
     * keeps clients from writing (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, DROP INDEX CONCURRENTLY): a waiting
     * lock request holds up only the requests that conflict with it, so nobody queues behind these. They wait as long
     * as it takes rather than time out, which for a concurrent index build would throw away the index built so far.
     */
    static boolean queuesNoClient(Step step) {
        StatementClassifier classifier = new StatementClassifier("public");
        return step.statements().stream().map(classifier::classify).allMatch(effect -> effect.recognised()
                && effect.locks().stream().noneMatch(l -> l.mode().blocksWrites())
                && effect.locks().stream().anyMatch(l -> l.mode() == LockMode.SHARE_UPDATE_EXCLUSIVE));
    }

    private Step withoutLockTimeout(Step step) throws SQLException {
        return withTimeouts(step, List.of("lock_timeout = 0"),
                query("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'").get(0).get(0));
    }

    /**
     * Whether an autovacuum worker runs in this database. A step that timed out on its lock may be waiting for one, and
     * would go on timing out until the vacuum ends (tens of seconds on a large table that a backfill just filled with
     * dead rows): PostgreSQL cancels an autovacuum that blocks a lock request only once the request has waited
     * deadlock_timeout, which a short lock_timeout never reaches.
     */
    private boolean autovacuumRunning() {
        return !query("SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
                + "AND datname = current_database()").isEmpty();
    }

    /**
     * The step with a lock_timeout that outlasts deadlock_timeout, so that the server cancels a blocking autovacuum
     * (one that prevents wraparound is never cancelled; the step then times out as before). A superuser lowers its own
     * deadlock_timeout first, so that clients queued behind the lock request are held up as briefly as possible.
     */
    private Step outwaitingAutovacuum(Step step) throws SQLException {
        List<List<String>> settings = query("SELECT current_setting('is_superuser'), "
                + "(SELECT setting FROM pg_settings WHERE name = 'deadlock_timeout'), "
                + "(SELECT setting FROM pg_settings WHERE name = 'lock_timeout')");
        boolean superuser = "on".equals(settings.get(0).get(0));
        long deadlockMs = superuser ? AUTOVACUUM_DEADLOCK_TIMEOUT_MS : Long.parseLong(settings.get(0).get(1));
        long lockMs = deadlockMs + Math.max(Long.parseLong(settings.get(0).get(2)), AUTOVACUUM_DEADLOCK_TIMEOUT_MS);
        List<String> settingsToMake = new ArrayList<>();
        settingsToMake.add("lock_timeout = " + lockMs);
        if (superuser) {
            settingsToMake.add("deadlock_timeout = " + deadlockMs);
        }
        return withTimeouts(step, settingsToMake, settings.get(0).get(2));
    }

    /**
     * The step with {@code settings} made for it alone: SET LOCAL inside a transaction of several statements; set on
     * the session now for a statement run on its own (which may refuse a transaction block, as CREATE INDEX
     * CONCURRENTLY does), to be undone by {@link #restoreTimeouts} with {@code lockTimeout}, the session's setting.
     */
    private Step withTimeouts(Step step, List<String> settings, String lockTimeout) throws SQLException {
        if (runsAlone(step)) {
            savedLockTimeout = lockTimeout;
            try (Statement s = connection.createStatement()) {
                for (String setting : settings) {
                    s.execute("SET " + setting);
                    deadlockTimeoutChanged |= setting.startsWith("deadlock_timeout");
                }
            }
            return step;
        }
        List<String> statements = new ArrayList<>();
        settings.forEach(setting -> statements.add("SET LOCAL " + setting));
        statements.addAll(step.statements());
        return new Step(statements, true, step.onFailure());
    }

    private static boolean runsAlone(Step step) {
        return !step.transactional() || step.statements().size() == 1;
    }

    private void restoreTimeouts() {
        try (Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = " + savedLockTimeout);
            if (deadlockTimeoutChanged) {
                s.execute("RESET deadlock_timeout");
                deadlockTimeoutChanged = false;
            }
        } catch (SQLException e) {
            throw new SqlFailure("SET lock_timeout", e);
        }
    }

    public void execute(List<Step> steps) {
        steps.forEach(this::execute);
    }

    /** Runs a query with lock-timeout retry and maps each row to a list of column strings. */
    public List<List<String>> query(String sql, Object... params) {
        return withRetry(sql, ps -> {
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(n);
                    for (int c = 1; c <= n; c++) {
                        row.add(rs.getString(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }, params);
    }

    /** Runs a data-modifying statement with lock-timeout retry and returns the number of rows it changed. */
    public long update(String sql) {
        LOG.debug("{}", sql);
        return withRetry(sql, PreparedStatement::executeLargeUpdate);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    private <T> T withRetry(String sql, Call<T> call, Object... params) {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return call.run(ps);
            } catch (SQLException e) {
                if (LockRetry.isLockTimeout(e) && retry.shouldRetry(start)) {
                    sleep(retry.delay(attempt).toMillis());
                    continue;
                }
                throw new SqlFailure(sql, e);
            }
        }
    }

    /** Runs the step once; {@code current} receives the statement being run, to name it if it fails. */
    private void runOnce(Step step, String[] current) throws SQLException {
        // PgJDBC cannot send a script whose SQL-standard function body holds semicolons; PostgreSQL would run the
        // statements of a script in one implicit transaction, and so do we.
        // A script that controls the transaction itself runs as sent, so that the check below sees what it left open.
        String script = step.statements().get(0);
        List<String> statements = step.statements().size() == 1 && SqlScript.transactionControl(script).isEmpty()
                ? SqlScript.split(script) : List.of();
        if (statements.size() > 1) {
            runInTransaction(statements, current);
            return;
        }
        if (!step.transactional() || step.statements().size() == 1) {
            try (Statement s = connection.createStatement()) {
                current[0] = step.statements().get(0);
                LOG.debug("{}", step.statements().get(0));
                s.execute(step.statements().get(0));
                logWarnings(s);
            }
            requireNoOpenTransaction(step.statements().get(0));
            return;
        }
        runInTransaction(step.statements(), current);
    }

    private void runInTransaction(List<String> statements, String[] current) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                current[0] = sql;
                LOG.debug("{}", sql);
                s.execute(sql);
                logWarnings(s);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * A statement run on its own must not leave a transaction open (a user's {@code BEGIN}): what follows would join
     * it, nothing would commit it, and everything would be lost with the connection while reported as done.
     */
    private void requireNoOpenTransaction(String statement) throws SQLException {
        if (connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
            try (Statement s = connection.createStatement()) {
                s.execute("ROLLBACK");
            }
            throw new SqlFailure(statement, new SQLException("the statement left a transaction open (BEGIN without "
                    + "COMMIT); it was rolled back", "25000"));
        }
    }

    /** Server warnings (RAISE WARNING in our DO blocks) are meant for the user. */
    private static void logWarnings(Statement s) throws SQLException {
        for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
            if ("01000".equals(w.getSQLState())) {
                LOG.warn("{}", w.getMessage());
            }
        }
    }

    private void cleanUp(Step step, SQLException failure) {
        // A name already taken means the object is not the step's: it must not be dropped as a leftover. Without a
        // connection there is nothing to clean up with; a resumed start does it.
        if (step.onFailure() == null || DUPLICATE_OBJECT.contains(failure.getSQLState())
                || failure.getSQLState() != null && failure.getSQLState().startsWith("08")) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            s.execute(step.onFailure());
        } catch (SQLException e) {
            LOG.warn("clean-up after a failed step failed too: {}", e.getMessage());
        }
    }

    private static String firstLine(Step step) {
        String sql = step.statements().get(0);
        int nl = sql.indexOf('\n');
        return nl < 0 ? sql : sql.substring(0, nl) + " ...";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgRollException("interrupted while waiting for a lock");
        }
    }

    /**
     * A statement failed for a reason other than a lock timeout. The message is the server's, with its detail and
     * hint; the statement is kept for verbose output.
     */
    public static final class SqlFailure extends DatabaseException {
        SqlFailure(String statement, SQLException cause) {
            super(describe(cause), statement, cause);
        }
    }

    /** PostgreSQL's message for an error, with its DETAIL and HINT, on one line. */
    public static String describe(SQLException e) {
        String message = e.getMessage() == null ? "SQL error" : e.getMessage();
        String detail = null;
        String hint = null;
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage server = p.getServerErrorMessage();
            message = server.getMessage() != null ? server.getMessage() : message;
            detail = server.getDetail();
            hint = server.getHint();
        }
        StringBuilder out = new StringBuilder(message.lines().findFirst().orElse("SQL error"));
        if (detail != null && !detail.isBlank()) {
            out.append(" (").append(detail.strip()).append(')');
        }
        if (hint != null && !hint.isBlank()) {
            out.append("; hint: ").append(hint.strip());
        }
        return out.toString().replaceAll("\\s*\\R\\s*", " ");
    }
}
