package io.pgroll.spring;

import io.pgroll.core.PgRoll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the pgroll starter; each has pgroll's default. */
@ConfigurationProperties("spring.pgroll")
public class PgRollProperties {

    /** What the starter does with the application's migrations when it starts. */
    public enum Strategy {
        /**
         * Applies the pending migrations as pgroll migrate does: all are completed but the last, which stays active so
         * that the previous application version keeps working beside this one.
         */
        START,
        /**
         * Applies the pending migrations and completes the last one too; when the application's last migration is
         * already active, completes it. A complete is refused while sessions are pinned to the version it drops.
         */
        START_COMPLETE,
        /** Changes nothing and fails the startup unless the history agrees with the files and nothing is pending. */
        VALIDATE,
        /** Changes nothing. */
        NONE
    }

    /** Whether to run pgroll at all. */
    private boolean enabled = true;

    /** Where the migration files are: classpath: or filesystem: locations. */
    private List<String> locations = new ArrayList<>(List.of(PgRoll.DEFAULT_LOCATION));

    /**
     * JDBC URL of the database to migrate, when pgroll should not use the application's DataSource (e.g. to log in
     * as the schema's owner); the application's DataSource is still the one pinned.
     */
    private String url;

    /** Login user of pgroll's own connections to {@code url}. */
    private String user;

    /** Login password of pgroll's own connections to {@code url}. */
    private String password;

    /** The schema to migrate. */
    private String schema = "public";

    /** The schema of pgroll's bookkeeping. */
    private String stateSchema = "pgroll";

    /** lock_timeout of pgroll's DDL, retried with backoff when it expires; zero keeps the server's. */
    private Duration lockTimeout = Duration.ofMillis(50);

    /** A role to SET ROLE to before running DDL. */
    private String role;

    /** Whether each migration gets a version schema of views. */
    private boolean useVersionSchema = true;

    /** Rows per backfill batch; unset sizes batches to take about {@code backfill-batch-target}. */
    private Integer backfillBatchSize;

    /** Pause between backfill batches. */
    private Duration backfillBatchDelay = Duration.ZERO;

    /**
     * How long an adaptively sized backfill batch should take; a client writing a row of the running batch waits up
     * to this long.
     */
    private Duration backfillBatchTarget = Duration.ofMillis(50);

    /**
     * Between backfill batches, wait while a streaming standby's replay lag exceeds this; unset never waits. Seeing
     * the standbys takes a superuser or a member of pg_monitor.
     */
    private Duration maxReplicaLag;

    /** WAL the backfill writes per second at most on average, e.g. 16MB; unset for no limit. */
    private DataSize maxWalRate;

    /** What to do with the migrations at startup. */
    private Strategy strategy = Strategy.START;

    /**
     * Whether the application's DataSource hands out connections pinned to the version schema of its last
     * migration (search_path set to it, application_name tagged so that complete and rollback see them).
     */
    private boolean pinDataSource = true;

    /** Whether the completes of the startup go on while sessions are pinned to the version they drop. */
    private boolean forceComplete = false;

    /**
     * How long an instance waits at startup while another one migrates the schema (instances of a release starting
     * together); it then finds the work done.
     */
    private Duration lockWait = Duration.ofMinutes(10);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<String> getLocations() {
        return locations;
    }

    public void setLocations(List<String> locations) {
        this.locations = locations;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public String getStateSchema() {
        return stateSchema;
    }

    public void setStateSchema(String stateSchema) {
        this.stateSchema = stateSchema;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public boolean isUseVersionSchema() {
        return useVersionSchema;
    }

    public void setUseVersionSchema(boolean useVersionSchema) {
        this.useVersionSchema = useVersionSchema;
    }

    public Integer getBackfillBatchSize() {
        return backfillBatchSize;
    }

    public void setBackfillBatchSize(Integer backfillBatchSize) {
        this.backfillBatchSize = backfillBatchSize;
    }

    public Duration getBackfillBatchDelay() {
        return backfillBatchDelay;
    }

    public void setBackfillBatchDelay(Duration backfillBatchDelay) {
        this.backfillBatchDelay = backfillBatchDelay;
    }

    public Duration getBackfillBatchTarget() {
        return backfillBatchTarget;
    }

    public void setBackfillBatchTarget(Duration backfillBatchTarget) {
        this.backfillBatchTarget = backfillBatchTarget;
    }

    public Duration getMaxReplicaLag() {
        return maxReplicaLag;
    }

    public void setMaxReplicaLag(Duration maxReplicaLag) {
        this.maxReplicaLag = maxReplicaLag;
    }

    public DataSize getMaxWalRate() {
        return maxWalRate;
    }

    public void setMaxWalRate(DataSize maxWalRate) {
        this.maxWalRate = maxWalRate;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public boolean isPinDataSource() {
        return pinDataSource;
    }

    public void setPinDataSource(boolean pinDataSource) {
        this.pinDataSource = pinDataSource;
    }

    public Duration getLockWait() {
        return lockWait;
    }

    public void setLockWait(Duration lockWait) {
        this.lockWait = lockWait;
    }

    public boolean isForceComplete() {
        return forceComplete;
    }

    public void setForceComplete(boolean forceComplete) {
        this.forceComplete = forceComplete;
    }
}
