package io.pgroll.core.state;

import static io.pgroll.core.state.StateTestSupport.connect;
import static io.pgroll.core.state.StateTestSupport.exec;
import static io.pgroll.core.state.StateTestSupport.one;
import static io.pgroll.core.state.StateTestSupport.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StateStoreInitTest {

    @Test
    void initIsIdempotentAndKeepsHistory() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            StateStore store = new StateStore(c, "pgroll");
            assertFalse(store.isInitialized());
            assertFalse(store.needsUpgrade());
            store.init();
            assertTrue(store.isInitialized());
            store.insertStarted("public", "01_first", "{\"operations\":[]}", "{}");
            store.markCompleted("public", "01_first");

            store.init();
            store.init();

            assertTrue(store.isInitialized());
            assertFalse(store.needsUpgrade());
            assertEquals("01_first", store.latestMigration("public").orElseThrow().name());
            assertEquals(List.of(List.of(StateStore.VERSION)), rows(c, "SELECT version FROM pgroll.pgroll_version"));
            assertTrue(c.getAutoCommit(), "auto-commit restored");
        }
    }

    @Test
    void concurrentInitsOnAFreshDatabaseAllSucceed() throws Exception {
        String url = TestPostgres.newDatabase();
        int threads = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    try (Connection c = connect(url)) {
                        ready.countDown();
                        go.await();
                        new StateStore(c, "pgroll").init();
                    }
                    return null;
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = connect(url)) {
            assertTrue(new StateStore(c, "pgroll").isInitialized());
            assertEquals("1", one(c, "SELECT count(*) FROM pgroll.pgroll_version"));
        }
    }

    @Test
    void layoutMatchesPgroll() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            new StateStore(c, "pgroll").init();

            assertEquals(List.of(
                    Arrays.asList("schema", "name", "NO", null),
                    Arrays.asList("name", "text", "NO", null),
                    Arrays.asList("migration", "jsonb", "NO", null),
                    Arrays.asList("created_at", "timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
                    Arrays.asList("updated_at", "timestamp with time zone", "NO", "CURRENT_TIMESTAMP"),
                    Arrays.asList("parent", "text", "YES", null),
                    Arrays.asList("done", "boolean", "NO", "false"),
                    Arrays.asList("resulting_schema", "jsonb", "NO", "'{}'::jsonb"),
                    Arrays.asList("migration_type", "character varying(32)", "YES", "'pgroll'::character varying")),
                    rows(c, "SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
                            + " CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, pg_get_expr(d.adbin, d.adrelid)"
                            + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid"
                            + " AND d.adnum = a.attnum WHERE a.attrelid = 'pgroll.migrations'::regclass"
                            + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"));

            assertEquals(List.of(
                    List.of("migration_type_check", "c",
                            "CHECK (((migration_type)::text = ANY ((ARRAY['pgroll'::character varying, "
                                    + "'inferred'::character varying, 'baseline'::character varying])::text[])))"),
                    List.of("migrations_pkey", "p", "PRIMARY KEY (schema, name)"),
                    List.of("migrations_schema_parent_fkey", "f",
                            "FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations(schema, name)")),
                    rows(c, "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
                            + " WHERE conrelid = 'pgroll.migrations'::regclass AND contype <> 'n'" // PG 18 lists NOT NULL
                            + " ORDER BY conname"));

            assertEquals(List.of(
                    List.of("history_is_linear",
                            "CREATE UNIQUE INDEX history_is_linear ON pgroll.migrations USING btree (schema, parent)"),
                    List.of("migrations_pkey",
                            "CREATE UNIQUE INDEX migrations_pkey ON pgroll.migrations USING btree (schema, name)"),
                    List.of("only_first_migration_without_parent",
                            "CREATE UNIQUE INDEX only_first_migration_without_parent ON pgroll.migrations"
                                    + " USING btree (schema) WHERE (parent IS NULL)"),
                    List.of("only_one_active",
                            "CREATE UNIQUE INDEX only_one_active ON pgroll.migrations USING btree (schema, name, done)"
                                    + " WHERE (NOT done)")),
                    rows(c, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'pgroll'"
                            + " AND tablename = 'migrations' ORDER BY indexname"));

            assertEquals(List.of(
                    Arrays.asList("version", "text", "NO", null),
                    Arrays.asList("initialized_at", "timestamp with time zone", "NO", "now()")),
                    rows(c, "SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
                            + " CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END, pg_get_expr(d.adbin, d.adrelid)"
                            + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid"
                            + " AND d.adnum = a.attnum WHERE a.attrelid = 'pgroll.pgroll_version'::regclass"
                            + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"));
            assertEquals("PRIMARY KEY (version)", one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE conrelid = 'pgroll.pgroll_version'::regclass AND contype <> 'n'"));

            assertEquals(List.of(
                    List.of("find_version_schema", "p_schema_name name, p_depth integer DEFAULT 0", "text", "f"),
                    List.of("is_active_migration_period", "schemaname name", "boolean", "f"),
                    List.of("latest_migration", "schemaname name", "text", "t"),
                    List.of("latest_version", "schemaname name", "text", "f"),
                    List.of("previous_migration", "schemaname name", "text", "f"),
                    List.of("previous_version", "schemaname name", "text", "f"),
                    List.of("raw_migration", "", "event_trigger", "t"),
                    List.of("read_schema", "schemaname text", "jsonb", "f")),
                    rows(c, "SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),"
                            + " p.prosecdef FROM pg_proc p WHERE p.pronamespace = 'pgroll'::regnamespace"
                            + " ORDER BY p.proname"));

            assertEquals(List.of(
                    List.of("pg_roll_handle_ddl", "ddl_command_end", "pgroll.raw_migration"),
                    List.of("pg_roll_handle_drop", "sql_drop", "pgroll.raw_migration")),
                    rows(c, "SELECT evtname, evtevent, evtfoid::regproc::text FROM pg_event_trigger"
                            + " ORDER BY evtname"));
        }
    }

    @Test
    void stateSchemaWithHostileNames() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            exec(c, "CREATE TABLE x (id int)");
            for (String name : List.of("\"; drop table x; --", "a$pgroll$b?'\\", "Mixed Case", "@@BODY@@")) {
                StateStore store = new StateStore(c, name);
                store.init();
                store.init();
                assertTrue(store.isInitialized(), name);
                assertFalse(store.needsUpgrade(), name);
                store.insertStarted("public", "01_x", "{\"operations\":[]}", "{}");
                assertTrue(store.activeMigration("public").isPresent());
                store.markCompleted("public", "01_x");
                assertEquals("01_x", store.latestMigration("public").orElseThrow().name());
                assertTrue(store.latestVersion("public").isEmpty());
                assertEquals("public", StateTestSupport.json(store.readSchema("public")).get("name").asText());
            }
            assertEquals("0", one(c, "SELECT count(*) FROM x"));
            assertEquals("1", one(c, "SELECT count(*) FROM pg_event_trigger WHERE evtname = 'pg_roll_handle_ddl'"));
        }
    }

    @Test
    void rejectsStateSchemaNamesPostgresWouldTruncate() throws Exception {
        try (Connection c = connect(TestPostgres.newDatabase())) {
            assertThrows(PgRollException.class, () -> new StateStore(c, "s".repeat(64)));
            new StateStore(c, "s".repeat(63)).init();
        }
    }

    @Test
    void upgradesAnOlderLayout() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            // The layout of early pgroll releases: naive timestamps, no migration_type, no pgroll_version, and a
            // helper whose parameter names differ from today's.
            exec(c, "CREATE SCHEMA pgroll",
                    "CREATE TABLE pgroll.migrations (schema name NOT NULL, name text NOT NULL,"
                            + " migration jsonb NOT NULL,"
                            + " created_at timestamp NOT NULL DEFAULT current_timestamp,"
                            + " updated_at timestamp NOT NULL DEFAULT current_timestamp, parent text,"
                            + " done boolean NOT NULL DEFAULT false,"
                            + " resulting_schema jsonb NOT NULL DEFAULT '{}'::jsonb, PRIMARY KEY (schema, name),"
                            + " FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations (schema, name))",
                    "CREATE UNIQUE INDEX only_one_active ON pgroll.migrations (schema, name, done)"
                            + " WHERE done = false",
                    "CREATE FUNCTION pgroll.find_version_schema(schema_name name, depth integer) RETURNS name"
                            + " LANGUAGE sql AS $$ SELECT NULL::name $$",
                    "INSERT INTO pgroll.migrations (schema, name, migration, created_at, updated_at, done)"
                            + " VALUES ('public', '01_old', '{}', '2024-01-02 03:04:05', '2024-01-02 03:04:06',"
                            + " true)");
            exec(c, "SET TimeZone = 'Asia/Tokyo'");
            StateStore store = new StateStore(c, "pgroll");
            assertTrue(store.isInitialized());
            assertTrue(store.needsUpgrade());

            store.init();

            assertFalse(store.needsUpgrade());
            MigrationRecord old = store.get("public", "01_old").orElseThrow();
            assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC),
                    old.createdAt().withOffsetSameInstant(ZoneOffset.UTC));
            assertEquals("pgroll", old.migrationType());
            assertEquals("timestamp with time zone",
                    one(c, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                            + " WHERE attrelid = 'pgroll.migrations'::regclass AND attname = 'updated_at'"));
            assertEquals("1", one(c, "SELECT count(*) FROM pg_proc WHERE proname = 'find_version_schema'"));
            assertEquals("p_schema_name name, p_depth integer DEFAULT 0",
                    one(c, "SELECT pg_get_function_arguments('pgroll.find_version_schema'::regproc)"));

            // a second init changes nothing any more
            store.init();
            assertEquals(old, store.get("public", "01_old").orElseThrow());

            store.insertBaseline("public", "02_baseline");
            assertEquals("baseline", store.latestMigration("public").orElseThrow().migrationType());
        }
    }

    @Test
    void upgradesAMigrationTypeCheckWithoutBaseline() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            StateStore store = new StateStore(c, "pgroll");
            store.init();
            exec(c, "ALTER TABLE pgroll.migrations DROP CONSTRAINT migration_type_check",
                    "ALTER TABLE pgroll.migrations ADD CONSTRAINT migration_type_check"
                            + " CHECK (migration_type IN ('pgroll', 'inferred'))");
            store.init();
            store.insertBaseline("public", "01_baseline");
            assertEquals("baseline", store.get("public", "01_baseline").orElseThrow().migrationType());
        }
    }

    @Test
    void versionCheck() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            new StateStore(c, "pgroll", "0.1.0").init();
            assertFalse(new StateStore(c, "pgroll", "0.1.0").needsUpgrade());
            assertTrue(new StateStore(c, "pgroll", "0.2.0").needsUpgrade());
            assertTrue(new StateStore(c, "pgroll", "v0.1.1").needsUpgrade());
            assertFalse(new StateStore(c, "pgroll", "development").needsUpgrade());
            PgRollException newer = assertThrows(PgRollException.class,
                    () -> new StateStore(c, "pgroll", "0.0.9").needsUpgrade());
            assertEquals("pgroll binary version is older than pgroll schema version: binary: 0.0.9 vs schema: 0.1.0",
                    newer.getMessage());

            exec(c, "UPDATE pgroll.pgroll_version SET version = 'development'");
            assertFalse(new StateStore(c, "pgroll", "0.0.9").needsUpgrade());

            exec(c, "DROP TABLE pgroll.pgroll_version");
            assertTrue(new StateStore(c, "pgroll", "0.1.0").needsUpgrade());
            assertFalse(new StateStore(c, "pgroll", "development").needsUpgrade());
        }
    }

    @Test
    void compareVersions() {
        assertEquals(0, StateStore.compareVersions("0.1.0", "v0.1.0"));
        assertTrue(StateStore.compareVersions("0.1.0", "0.0.9") > 0);
        assertTrue(StateStore.compareVersions("0.9.0", "0.10.0") < 0);
        assertTrue(StateStore.compareVersions("1.0.0-rc1", "1.0.0") < 0);
        assertTrue(StateStore.compareVersions("1.0.0+build5", "1.0.0-rc1") > 0);
        assertNull(StateStore.compareVersions("development", "0.1.0"));
        assertNull(StateStore.compareVersions("0.1.0", "1.2"));
    }
}
