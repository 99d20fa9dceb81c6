package io.pgroll.core.engine;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.db.Connector;
import io.pgroll.core.db.LockRetry;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.state.StateStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The connections of one pgroll operation: one for the state schema, opened on first use, and one for the migration
 * DDL with the target schema, lock_timeout and role set, opened when the engine is first needed. Both are held until
 * the operation ends, so the session settings and the schema lock stay on them. Not thread-safe: one per operation.
 */
public final class Session implements AutoCloseable {
    private final PgRollConfig config;
    private final Connector connector;
    private final LockRetry lockRetry;
    private final PgRollListener listener;
    private Connector.Lease stateLease;
    private Connector.Lease migrationLease;
    private StateStore state;
    private MigrationEngine engine;

    public Session(PgRollConfig config, Connector connector, LockRetry lockRetry, PgRollListener listener) {
        this.config = config;
        this.connector = connector;
        this.lockRetry = lockRetry;
        this.listener = listener;
    }

    public StateStore state() {
        if (state == null) {
            stateLease = connector.open("pgroll-state");
            state = new StateStore(stateLease.connection(), config.stateSchema());
        }
        return state;
    }

    /** The state store, upgraded when an older pgroll set it up; refused when the state schema does not exist. */
    public StateStore initializedState() {
        StateStore s = state();
        if (!s.isInitialized()) {
            throw new MigrationStateException("pgroll is not initialized, run 'pgroll init' to initialize");
        }
        if (s.needsUpgrade()) {
            s.init();
        }
        return s;
    }

    public Connection stateConnection() {
        state();
        return stateLease.connection();
    }

    public Connection migrationConnection() {
        engine();
        return migrationLease.connection();
    }

    public MigrationEngine engine() {
        if (engine == null) {
            StateStore s = initializedState();
            migrationLease = connector.open("pgroll");
            Connection c = migrationLease.connection();
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + Sql.ident(config.schema()));
                if (!config.lockTimeout().isZero()) {
                    st.execute("SET lock_timeout = " + Sql.literal(config.lockTimeout().toMillis() + "ms"));
                }
                if (config.role() != null) {
                    st.execute("SET ROLE " + Sql.ident(config.role()));
                }
                int major;
                try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
                    rs.next();
                    major = rs.getInt(1);
                }
                engine = new MigrationEngine(config, new StatementRunner(c, lockRetry), s, major, listener);
            } catch (SQLException e) {
                throw new DatabaseException("could not prepare the migration connection: " + e.getMessage(), e);
            }
        }
        return engine;
    }

    @Override
    public void close() {
        if (migrationLease != null) {
            migrationLease.close();
        }
        if (stateLease != null) {
            stateLease.close();
        }
    }
}
