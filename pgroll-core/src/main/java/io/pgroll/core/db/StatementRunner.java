package io.pgroll.core.db;

import io.pgroll.core.PgRollException;
import io.pgroll.core.plan.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps on the migration connection (autocommit, lock_timeout set), retrying a step as a whole whenever it fails
 * to get a lock in time.
 */
public final class StatementRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StatementRunner.class);

    /** deadlock_timeout (ms) a superuser sets for a step waiting out an autovacuum. */
    private static final long AUTOVACUUM_DEADLOCK_TIMEOUT_MS = 100;

    private final Connection connection;
    private final LockRetry retry;
    private String savedLockTimeout;

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
        for (int attempt = 0; ; attempt++) {
            String[] current = new String[1];
            boolean outwaiting = outwaitNext;
            outwaitNext = false;
            try {
                runOnce(outwaiting ? outwaitingAutovacuum(step) : step, current);
                return;
            } catch (SQLException e) {
                cleanUp(step);
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
                throw new SqlFailure(step, current[0], e);
            } finally {
                if (outwaiting && !step.transactional()) {
                    restoreTimeouts();
                }
            }
        }
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
        String scope = step.transactional() ? "SET LOCAL " : "SET ";
        List<String> statements = new ArrayList<>();
        statements.add(scope + "lock_timeout = " + lockMs);
        if (superuser) {
            statements.add(scope + "deadlock_timeout = " + deadlockMs);
        }
        if (!step.transactional()) {
            savedLockTimeout = settings.get(0).get(2);
            try (Statement s = connection.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            return step;
        }
        statements.addAll(step.statements());
        return new Step(statements, true, step.onFailure());
    }

    private void restoreTimeouts() {
        try (Statement s = connection.createStatement()) {
            s.execute("SET lock_timeout = " + savedLockTimeout);
            s.execute("RESET deadlock_timeout");
        } catch (SQLException e) {
            throw new SqlFailure(Step.sql("SET lock_timeout"), "SET lock_timeout", e);
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
                throw new SqlFailure(Step.sql(sql), sql, e);
            }
        }
    }

    /** Runs the step once; {@code current} receives the statement being run, to name it if it fails. */
    private void runOnce(Step step, String[] current) throws SQLException {
        if (!step.transactional() || step.statements().size() == 1) {
            try (Statement s = connection.createStatement()) {
                current[0] = step.statements().get(0);
                LOG.debug("{}", step.statements().get(0));
                s.execute(step.statements().get(0));
                logWarnings(s);
            }
            return;
        }
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String sql : step.statements()) {
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

    /** Server warnings (RAISE WARNING in our DO blocks) are meant for the user. */
    private static void logWarnings(Statement s) throws SQLException {
        for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
            if ("01000".equals(w.getSQLState())) {
                LOG.warn("{}", w.getMessage());
            }
        }
    }

    private void cleanUp(Step step) {
        if (step.onFailure() == null) {
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

    /** A statement failed for a reason other than a lock timeout. The message names the statement and the error. */
    public static final class SqlFailure extends PgRollException {
        private final transient Step step;

        SqlFailure(Step step, String statement, SQLException cause) {
            super(cause.getMessage().lines().findFirst().orElse("SQL error")
                    + " (SQLSTATE " + cause.getSQLState() + ") while running: " + abbreviate(statement), cause);
            this.step = step;
        }

        public Step step() {
            return step;
        }

        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }

        private static String abbreviate(String statement) {
            if (statement == null) {
                return "(none: the connection failed first)";
            }
            String sql = statement.replaceAll("\\s+", " ");
            return sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
        }
    }
}
