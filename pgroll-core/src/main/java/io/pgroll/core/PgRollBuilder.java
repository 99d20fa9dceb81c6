package io.pgroll.core;

import io.pgroll.core.db.Connector;
import io.pgroll.core.db.LockRetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Configures a {@link PgRoll}: {@code PgRoll.configure().dataSource(ds).locations("classpath:db/pgroll").load()}.
 * Every setting has pgroll's default; only the database (a DataSource or a URL) is required. Not thread-safe; the
 * {@link PgRoll} it loads is.
 */
public final class PgRollBuilder {
    private DataSource dataSource;
    private String url;
    private String schema = PgRollConfig.DEFAULT_SCHEMA;
    private String stateSchema = PgRollConfig.DEFAULT_STATE_SCHEMA;
    private Duration lockTimeout = PgRollConfig.DEFAULT_LOCK_TIMEOUT;
    private String role;
    private boolean useVersionSchema = true;
    private List<String> locations = List.of(PgRoll.DEFAULT_LOCATION);
    private ClassLoader classLoader;
    private final List<PgRollListener> listeners = new ArrayList<>();
    private int backfillBatchSize = StartOptions.DEFAULT_BATCH_SIZE;
    private Duration backfillBatchDelay = Duration.ZERO;
    private Duration backfillBatchTarget = StartOptions.DEFAULT_BATCH_TARGET;
    private Duration maxReplicaLag;
    private long maxWalRate;

    PgRollBuilder() {
    }

    /**
     * The database, as an application's DataSource (a pool is fine): each operation holds two of its connections
     * (one for the state schema, one for the DDL) until it ends, and gives them back with their session settings as
     * they were.
     */
    public PgRollBuilder dataSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.url = null;
        return this;
    }

    /** The database, as a JDBC ({@code jdbc:postgresql://...}) or libpq ({@code postgres://...}) URL. */
    public PgRollBuilder url(String url) {
        this.url = Objects.requireNonNull(url, "url");
        this.dataSource = null;
        return this;
    }

    /** The schema to migrate (pgroll {@code --schema}); default {@code public}. */
    public PgRollBuilder schema(String schema) {
        this.schema = schema;
        return this;
    }

    /** The schema of pgroll's bookkeeping (pgroll {@code --pgroll-schema}); default {@code pgroll}. */
    public PgRollBuilder stateSchema(String stateSchema) {
        this.stateSchema = stateSchema;
        return this;
    }

    /** lock_timeout of pgroll's DDL, retried with backoff when it expires; zero keeps the server's. Default 50 ms. */
    public PgRollBuilder lockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
        return this;
    }

    /** A role to {@code SET ROLE} to before running DDL (pgroll {@code --role}). */
    public PgRollBuilder role(String role) {
        this.role = role;
        return this;
    }

    /** Whether each migration gets a version schema of views (pgroll {@code --use-version-schema}); default yes. */
    public PgRollBuilder useVersionSchema(boolean useVersionSchema) {
        this.useVersionSchema = useVersionSchema;
        return this;
    }

    /**
     * Where the migration files are: {@code classpath:db/pgroll} (directories and jars of the class path) or
     * {@code filesystem:migrations} (a plain path means the same); default {@value PgRoll#DEFAULT_LOCATION}.
     */
    public PgRollBuilder locations(String... locations) {
        this.locations = List.of(locations);
        return this;
    }

    /** The class loader that finds {@code classpath:} locations; default the thread's context class loader. */
    public PgRollBuilder classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /** Adds a listener that hears about starts, completes, rollbacks and backfill progress. */
    public PgRollBuilder listener(PgRollListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Rows per backfill batch (pgroll {@code --backfill-batch-size}); default: sized to take about {@link #backfillBatchTarget}. */
    public PgRollBuilder backfillBatchSize(int rows) {
        this.backfillBatchSize = rows;
        return this;
    }

    /** Pause between backfill batches (pgroll {@code --backfill-batch-delay}); default none. */
    public PgRollBuilder backfillBatchDelay(Duration delay) {
        this.backfillBatchDelay = delay;
        return this;
    }

    /**
     * How long an adaptively sized backfill batch should take ({@code --backfill-batch-target}); default
     * {@link StartOptions#DEFAULT_BATCH_TARGET}. A client writing a row of the running batch waits up to this long.
     */
    public PgRollBuilder backfillBatchTarget(Duration target) {
        this.backfillBatchTarget = target;
        return this;
    }

    /**
     * Between backfill batches, wait while a streaming standby's replay lag exceeds {@code lag} (command line
     * {@code --max-replica-lag}); default null, never. Needs a superuser or a member of {@code pg_monitor} to see
     * the standbys; for other roles pgroll warns once and does not wait.
     */
    public PgRollBuilder maxReplicaLag(Duration lag) {
        this.maxReplicaLag = lag;
        return this;
    }

    /**
     * Bytes of WAL per second the backfill writes at most on average (command line {@code --max-wal-rate}); default
     * 0, no limit.
     */
    public PgRollBuilder maxWalRate(long bytesPerSecond) {
        this.maxWalRate = bytesPerSecond;
        return this;
    }

    /** The configured pgroll; it opens connections only when an operation runs. */
    public PgRoll load() {
        if (dataSource == null && url == null) {
            throw new PgRollException("no database configured: give PgRoll.configure() a dataSource(..) or a url(..)");
        }
        if (locations.isEmpty()) {
            throw new PgRollException("no migration locations configured");
        }
        PgRollConfig config = new PgRollConfig(url, schema, stateSchema, lockTimeout, role, useVersionSchema);
        List<PgRollListener> all = List.copyOf(listeners);
        PgRollListener listener = all.isEmpty() ? PgRollListener.NONE : event -> all.forEach(l -> l.onEvent(event));
        StartOptions startOptions = new StartOptions(false, backfillBatchSize, backfillBatchDelay, backfillBatchTarget,
                maxReplicaLag, maxWalRate);
        ClassLoader loader = classLoader != null ? classLoader
                : Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                        PgRoll.class.getClassLoader());
        return new PgRoll(config, dataSource != null ? Connector.of(dataSource) : Connector.of(url),
                LockRetry.defaults(), listener, locations, loader, startOptions);
    }
}
