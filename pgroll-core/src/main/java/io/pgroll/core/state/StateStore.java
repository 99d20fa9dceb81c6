package io.pgroll.core.state;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRollException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state schema: migration history and helper functions, in pgroll's layout (see {@code init.sql}).
 *
 * <p>Works on a connection it does not own and never closes. Every call runs in the caller's transaction when
 * auto-commit is off (inside a savepoint where a failure must not poison it), else in its own.
 * Not thread-safe, like the connection.
 */
public final class StateStore {

    /**
     * Version of this implementation, written to {@code pgroll_version} at each init. The {@code java-} prefix keeps
     * it apart from the Go tool's versions: the layouts are the same, so neither refuses the other's database (the
     * Go tool skips non-semver versions; we skip versions that are not ours, see {@link #needsUpgrade()}).
     */
    public static final String VERSION = "java-0.2.0";
    private static final String OWN_PREFIX = "java-";

    /** Advisory transaction lock key held during init; the same as pgroll's, so inits of both tools serialise. */
    public static final long INIT_LOCK_KEY = 0x2c03057fb9525bL;

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final Pattern MARKER = Pattern.compile("@@([A-Z_]+)@@");
    private static final Pattern SEMVER =
            Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final String COLUMNS = "m.schema, m.name, m.migration::text, m.created_at, m.updated_at, "
            + "m.parent, m.done, m.resulting_schema::text, COALESCE(m.migration_type, 'pgroll')";

    private final Connection connection;
    private final String stateSchema;
    private final String binaryVersion;
    /** The state schema as a quoted identifier, for splicing into SQL. */
    private final String s;

    public StateStore(Connection connection, String stateSchema) {
        this(connection, stateSchema, VERSION);
    }

    /** With another binary version, for tests of the version check. */
    StateStore(Connection connection, String stateSchema, String binaryVersion) {
        if (connection == null) {
            throw new IllegalArgumentException("connection is required");
        }
        if (stateSchema == null || stateSchema.isEmpty() || stateSchema.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid state schema name: " + stateSchema);
        }
        if (stateSchema.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            throw new PgRollException("state schema name \"" + stateSchema + "\" is longer than "
                    + MAX_IDENTIFIER_BYTES + " bytes");
        }
        this.connection = connection;
        this.stateSchema = stateSchema;
        this.binaryVersion = binaryVersion;
        this.s = quoteIdentifier(stateSchema);
    }

    public String stateSchema() {
        return stateSchema;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Initialisation and versioning

    /** Whether the state schema holds the migrations table (it may still need {@link #needsUpgrade() an upgrade}). */
    public boolean isInitialized() {
        return queryBoolean("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = 'migrations' AND c.relkind IN ('r', 'p'))", stateSchema);
    }

    /**
     * Creates or upgrades the state schema, its tables and functions. Idempotent, safe to run concurrently (the
     * script holds the init advisory lock) and done in one transaction. The event triggers that record inferred
     * migrations are installed only for roles allowed to create them; otherwise they are skipped.
     */
    public void init() {
        try {
            inTransaction(() -> {
                execute(render(resource("init.sql")));
                if (mayCreateEventTriggers()) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        execute(render(resource("inferred.sql")));
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException e) {
                        if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                            throw e;
                        }
                        connection.rollback(savepoint);
                        LOG.debug("inferred migrations not recorded: cannot create event triggers ({})",
                                e.getMessage());
                    }
                } else {
                    LOG.debug("inferred migrations not recorded: role is not a superuser, event triggers skipped");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StateStoreException("could not initialise state schema \"" + stateSchema + "\"", e);
        }
    }

    /**
     * Version check to run when opening the state: true when the schema exists but was initialised by an older
     * version (or by one that did not record its version), so {@link #init()} must run. False when the state schema
     * does not exist (see {@link #isInitialized()}), is current, or either version is not semantic
     * ({@code development} builds). Throws when the schema was initialised by a newer version.
     */
    public boolean needsUpgrade() {
        boolean schemaExists = queryBoolean(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?)", stateSchema);
        if (!schemaExists) {
            return false;
        }
        boolean journalExists = queryBoolean("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = 'java_progress')", stateSchema);
        if (!journalExists && isInitialized()) {
            return true; // initialised by the Go tool or an older version: add our journal table
        }
        boolean versionTableExists = queryBoolean("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = 'pgroll_version')", stateSchema);
        if (!versionTableExists) {
            return isSemver(strip(binaryVersion));
        }
        Optional<String> stored = queryString(
                "SELECT version FROM " + s + ".pgroll_version ORDER BY initialized_at DESC LIMIT 1");
        if (stored.isEmpty()) {
            return isSemver(strip(binaryVersion));
        }
        if (binaryVersion.startsWith(OWN_PREFIX) != stored.get().startsWith(OWN_PREFIX)) {
            return false; // written by the Go tool (or read by a test binary): same layout, nothing to upgrade
        }
        Integer order = compareVersions(strip(binaryVersion), strip(stored.get()));
        if (order == null) {
            return false;
        }
        if (order < 0) {
            throw new PgRollException("pgroll binary version is older than pgroll schema version: binary: "
                    + binaryVersion + " vs schema: " + stored.get());
        }
        return order > 0;
    }

    /**
     * Compares two semantic versions ({@code v} prefix optional; a pre-release sorts before its release).
     *
     * @return negative, zero or positive like a comparator, or null when either is not a semantic version
     */
    private static String strip(String version) {
        return version.startsWith(OWN_PREFIX) ? version.substring(OWN_PREFIX.length()) : version;
    }

    static Integer compareVersions(String a, String b) {
        Matcher ma = SEMVER.matcher(a);
        Matcher mb = SEMVER.matcher(b);
        if (!ma.matches() || !mb.matches()) {
            return null;
        }
        for (int group = 1; group <= 3; group++) {
            int c = new BigInteger(ma.group(group)).compareTo(new BigInteger(mb.group(group)));
            if (c != 0) {
                return c;
            }
        }
        String pa = ma.group(4);
        String pb = mb.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        return Integer.signum(pa.compareTo(pb));
    }

    private static boolean isSemver(String version) {
        return SEMVER.matcher(version).matches();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    /** The {@code read_schema} JSON of a schema (see init.sql). */
    public String readSchema(String schema) {
        return queryString("SELECT " + s + ".read_schema(?)::text", schema)
                .orElseThrow(() -> new IllegalStateException("read_schema returned nothing"));
    }

    /** The migration of the target schema that is started and not completed, if any. */
    public Optional<MigrationRecord> activeMigration(String schema) {
        return queryRecord("SELECT " + COLUMNS + " FROM " + s + ".migrations m WHERE m.schema = ? AND NOT m.done",
                schema);
    }

    /** The newest migration of the target schema, of any type, active or not. */
    public Optional<MigrationRecord> latestMigration(String schema) {
        return queryRecord("SELECT " + COLUMNS + " FROM " + s + ".migrations m WHERE m.schema = ? AND m.name = "
                + s + ".latest_migration(?)", schema, schema);
    }

    /**
     * The newest version (a migration's {@code version_schema}, else its name) whose version schema exists, without
     * the schema prefix: the version schema is {@code <schema>_<version>}.
     */
    public Optional<String> latestVersion(String schema) {
        return queryString("SELECT " + s + ".latest_version(?)", schema);
    }

    /** The version before {@link #latestVersion}, likewise only one whose version schema exists. */
    public Optional<String> previousVersion(String schema) {
        return queryString("SELECT " + s + ".previous_version(?)", schema);
    }

    /** All migrations of the target schema, oldest first (by creation time, then position in the chain). */
    public List<MigrationRecord> history(String schema) {
        String sql = "WITH RECURSIVE chain AS ("
                + " SELECT m.name, 0 AS depth FROM " + s + ".migrations m WHERE m.schema = ? AND m.parent IS NULL"
                + " UNION ALL"
                + " SELECT m.name, chain.depth + 1 FROM " + s + ".migrations m"
                + " JOIN chain ON m.schema = ? AND m.parent = chain.name)"
                + " SELECT " + COLUMNS + " FROM " + s + ".migrations m LEFT JOIN chain ON chain.name = m.name"
                + " WHERE m.schema = ? ORDER BY m.created_at, chain.depth, m.name";
        return query(sql, StateStore::record, schema, schema, schema);
    }

    /**
     * The migrations recorded after the newest baseline (all of them when there is none), oldest first, with the name
     * of that baseline: what {@code migrate} compares with the local files and {@code pull} writes out.
     */
    public SinceBaseline historySinceBaseline(String schema) {
        List<MigrationRecord> history = history(schema);
        for (int i = history.size() - 1; i >= 0; i--) {
            if (MigrationRecord.TYPE_BASELINE.equals(history.get(i).migrationType())) {
                return new SinceBaseline(history.get(i).name(), List.copyOf(history.subList(i + 1, history.size())));
            }
        }
        return new SinceBaseline(null, history);
    }

    /** @param baseline the newest baseline's name, or null when the schema has none */
    public record SinceBaseline(String baseline, List<MigrationRecord> migrations) {
    }

    /** Whether the target schema has any migration recorded. */
    public boolean hasHistory(String schema) {
        return queryBoolean("SELECT EXISTS (SELECT 1 FROM " + s + ".migrations WHERE schema = ?)", schema);
    }

    public Optional<MigrationRecord> get(String schema, String name) {
        return queryRecord("SELECT " + COLUMNS + " FROM " + s + ".migrations m WHERE m.schema = ? AND m.name = ?",
                schema, name);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Records the start of a migration: an active row whose parent is the newest migration and whose
     * resulting_schema holds {@code baseSchemaJson} (the schema before the migration) until completion.
     *
     * @throws PgRollException when a migration of the schema is already active (also when another process starts
     *                         one at the same time), or the name is already in the history
     */
    public void insertStarted(String schema, String name, String migrationJson, String baseSchemaJson) {
        insert(schema, name, migrationJson, false, baseSchemaJson, MigrationRecord.TYPE_PGROLL);
    }

    /**
     * Records a baseline: a completed migration without operations whose resulting_schema is the current schema.
     *
     * @throws PgRollException like {@link #insertStarted}
     */
    public void insertBaseline(String schema, String name) {
        insert(schema, name, "{\"operations\":[]}", true, null, MigrationRecord.TYPE_BASELINE);
    }

    /** Marks the active migration as done and stores the schema as it is now. */
    public void markCompleted(String schema, String name) {
        int rows = update("UPDATE " + s + ".migrations SET done = true, resulting_schema = " + s + ".read_schema(?),"
                + " updated_at = now() WHERE schema = ? AND name = ? AND NOT done", schema, schema, name);
        if (rows == 0) {
            throw noActive(schema, name);
        }
    }

    /** Forgets the active migration (rollback). */
    public void deleteActive(String schema, String name) {
        int rows = update("DELETE FROM " + s + ".migrations WHERE schema = ? AND name = ? AND NOT done",
                schema, name);
        if (rows == 0) {
            throw noActive(schema, name);
        }
    }

    private void insert(String schema, String name, String migrationJson, boolean done, String resultingSchemaJson,
                        String type) {
        Optional<MigrationRecord> existing = get(schema, name);
        if (existing.isPresent()) {
            throw conflict(schema, existing.get());
        }
        // The parent is whatever is newest; two concurrent inserts get the same parent (or none) and collide on
        // history_is_linear (or only_first_migration_without_parent).
        String sql = "INSERT INTO " + s + ".migrations"
                + " (schema, name, migration, parent, done, resulting_schema, migration_type)"
                + " SELECT ?, ?, ?::jsonb, " + s + ".latest_migration(?), ?,"
                + " COALESCE(?::jsonb, " + s + ".read_schema(?)), ?"
                + " WHERE NOT " + s + ".is_active_migration_period(?)";
        int rows;
        try {
            rows = inTransaction(() -> {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    bind(ps, schema, name, migrationJson, schema, done, resultingSchemaJson, schema, type, schema);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StateStoreException("could not record migration \"" + name + "\"", e);
            }
            LOG.debug("concurrent insert of migration {} lost: {}", name, e.getMessage());
            Optional<MigrationRecord> winner = get(schema, name);
            throw winner.map(record -> conflict(schema, record)).orElseGet(() -> inProgress(schema));
        }
        if (rows == 0) {
            throw inProgress(schema);
        }
    }

    private static PgRollException conflict(String schema, MigrationRecord existing) {
        if (!existing.done()) {
            return inProgress(schema);
        }
        return new MigrationStateException(
                "migration \"" + existing.name() + "\" has already been applied to schema \"" + schema + "\"");
    }

    private static PgRollException inProgress(String schema) {
        return new MigrationStateException("a migration for schema \"" + schema + "\" is already in progress");
    }

    private static PgRollException noActive(String schema, String name) {
        return new MigrationStateException("no active migration \"" + name + "\" for schema \"" + schema + "\"");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // SQL plumbing

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs work atomically: in a transaction of its own under auto-commit, else in a savepoint of the caller's
     * transaction, which stays usable when the work fails.
     */
    private <T> T inTransaction(SqlWork<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                T result = work.run();
                connection.releaseSavepoint(savepoint);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(() -> connection.rollback(savepoint), e);
                throw e;
            }
        }
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection::rollback, e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void rollbackQuietly(SqlAction rollback, Exception failure) {
        try {
            rollback.run();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private boolean mayCreateEventTriggers() throws SQLException {
        // rds_superuser may create event triggers on Amazon RDS; elsewhere only superusers can.
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.rolsuper OR EXISTS (SELECT 1"
                + " FROM pg_catalog.pg_roles m WHERE m.rolname = 'rds_superuser'"
                + " AND pg_catalog.pg_has_role(current_user, m.oid, 'MEMBER'))"
                + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private void execute(String script) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            statement.execute(script);
        }
    }

    private int update(String sql, Object... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStoreException("could not update state schema \"" + stateSchema + "\"", e);
        }
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new StateStoreException("could not read state schema \"" + stateSchema + "\"", e);
        }
    }

    private Optional<MigrationRecord> queryRecord(String sql, Object... params) {
        return query(sql, StateStore::record, params).stream().findFirst();
    }

    private Optional<String> queryString(String sql, Object... params) {
        return query(sql, rs -> rs.getString(1), params).stream().filter(v -> v != null).findFirst();
    }

    private boolean queryBoolean(String sql, Object... params) {
        return query(sql, rs -> rs.getBoolean(1), params).get(0);
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (p instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else {
                ps.setString(i + 1, (String) p);
            }
        }
    }

    private static MigrationRecord record(ResultSet rs) throws SQLException {
        return new MigrationRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class), rs.getString(6),
                rs.getBoolean(7), rs.getString(8), rs.getString(9));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Script templating

    /** Substitutes the template markers of a state script in one pass (values are never re-scanned). */
    String render(String template) {
        String literal = quoteLiteral(stateSchema);
        String version = quoteLiteral(binaryVersion);
        String tag = "$pgroll$";
        for (int i = 1; s.contains(tag) || literal.contains(tag) || version.contains(tag); i++) {
            tag = "$pgroll" + i + "$";
        }
        Map<String, String> values = Map.of("SCHEMA", s, "SCHEMA_LITERAL", literal, "VERSION_LITERAL", version,
                "BODY", tag);
        Matcher m = MARKER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 1024);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("unknown template marker " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String resource(String name) {
        try (InputStream in = StateStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A double-quoted SQL identifier. */
    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** An escape-string literal: correct whatever standard_conforming_strings is. */
    static String quoteLiteral(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
