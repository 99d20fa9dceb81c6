package io.pgroll.core;

import java.time.Duration;

/**
 * Connection and behaviour settings, mirroring pgroll's global flags.
 *
 * @param url               JDBC URL ({@code jdbc:postgresql://...}) or libpq URL ({@code postgres://...}); null when
 *                          the connections come from a DataSource
 * @param schema            target schema (pgroll {@code --schema}, default {@code public})
 * @param stateSchema       bookkeeping schema (pgroll {@code --pgroll-schema}, default {@code pgroll})
 * @param lockTimeout       lock_timeout for DDL; zero leaves the server setting
 * @param role              optional role to SET ROLE to on the migration connection
 * @param useVersionSchema  whether to create version schemas of views
 */
public record PgRollConfig(String url, String schema, String stateSchema, Duration lockTimeout, String role,
                           boolean useVersionSchema) {

    public static final String DEFAULT_SCHEMA = "public";
    public static final String DEFAULT_STATE_SCHEMA = "pgroll";
    /**
     * Per attempt: clients queue behind a DDL statement that waits for its lock, so each attempt gives up after 50 ms
     * and is retried with backoff (pgroll-bench's lock-timeout table: worst client stall behind 300 ms transactions
     * about 40 to 75 ms, against 130 to 140 ms with pgroll's 500 ms). Statements that queue nobody wait without it.
     */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(50);

    public PgRollConfig {
        schema = schema == null || schema.isEmpty() ? DEFAULT_SCHEMA : schema;
        stateSchema = stateSchema == null || stateSchema.isEmpty() ? DEFAULT_STATE_SCHEMA : stateSchema;
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        role = role == null || role.isEmpty() ? null : role;
    }

    public static PgRollConfig of(String url) {
        return new PgRollConfig(url, null, null, null, null, true);
    }

    public PgRollConfig withSchema(String newSchema) {
        return new PgRollConfig(url, newSchema, stateSchema, lockTimeout, role, useVersionSchema);
    }

    public PgRollConfig withStateSchema(String newStateSchema) {
        return new PgRollConfig(url, schema, newStateSchema, lockTimeout, role, useVersionSchema);
    }

    public PgRollConfig withLockTimeout(Duration newLockTimeout) {
        return new PgRollConfig(url, schema, stateSchema, newLockTimeout, role, useVersionSchema);
    }

    public PgRollConfig withRole(String newRole) {
        return new PgRollConfig(url, schema, stateSchema, lockTimeout, newRole, useVersionSchema);
    }

    public PgRollConfig withUseVersionSchema(boolean use) {
        return new PgRollConfig(url, schema, stateSchema, lockTimeout, role, use);
    }
}
