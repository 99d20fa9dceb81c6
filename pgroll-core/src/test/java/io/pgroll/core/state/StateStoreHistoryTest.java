package io.pgroll.core.state;

import static io.pgroll.core.state.StateTestSupport.connect;
import static io.pgroll.core.state.StateTestSupport.exec;
import static io.pgroll.core.state.StateTestSupport.json;
import static io.pgroll.core.state.StateTestSupport.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StateStoreHistoryTest {

    private static final String NO_OPS = "{\"operations\":[]}";

    private static Connection freshStore() throws Exception {
        Connection c = connect(TestPostgres.newDatabase());
        new StateStore(c, "pgroll").init();
        return c;
    }

    private static void apply(StateStore store, String schema, String name, String migrationJson) {
        store.insertStarted(schema, name, migrationJson, store.readSchema(schema));
        store.markCompleted(schema, name);
    }

    @Test
    void startCompleteRollbackLifecycle() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            assertFalse(store.hasHistory("public"));
            assertTrue(store.latestMigration("public").isEmpty());
            assertTrue(store.activeMigration("public").isEmpty());
            assertTrue(store.history("public").isEmpty());

            store.insertStarted("public", "01_create", "{\"operations\":[{\"sql\":{\"up\":\"select 1\"}}]}",
                    "{\"name\":\"public\",\"tables\":{}}");
            MigrationRecord active = store.activeMigration("public").orElseThrow();
            assertEquals("public", active.schema());
            assertEquals("01_create", active.name());
            assertFalse(active.done());
            assertNull(active.parent());
            assertEquals("pgroll", active.migrationType());
            assertEquals(json("{\"operations\":[{\"sql\":{\"up\":\"select 1\"}}]}"), json(active.migrationJson()));
            assertEquals(json("{\"name\":\"public\",\"tables\":{}}"), json(active.resultingSchemaJson()),
                    "the schema before the migration while it is active");
            assertEquals(active, store.latestMigration("public").orElseThrow());
            assertTrue(store.hasHistory("public"));
            assertFalse(store.hasHistory("other"));

            exec(c, "CREATE TABLE public.t (id int)");
            store.markCompleted("public", "01_create");
            MigrationRecord done = store.get("public", "01_create").orElseThrow();
            assertTrue(done.done());
            assertTrue(json(done.resultingSchemaJson()).get("tables").has("t"), "the schema after completion");
            assertFalse(done.updatedAt().isBefore(done.createdAt()));
            assertTrue(store.activeMigration("public").isEmpty());

            store.insertStarted("public", "02_more", NO_OPS, "{}");
            assertEquals("01_create", store.activeMigration("public").orElseThrow().parent());
            store.deleteActive("public", "02_more");
            assertTrue(store.get("public", "02_more").isEmpty());
            assertEquals("01_create", store.latestMigration("public").orElseThrow().name());

            PgRollException notActive = assertThrows(PgRollException.class,
                    () -> store.markCompleted("public", "01_create"));
            assertEquals("no active migration \"01_create\" for schema \"public\"", notActive.getMessage());
            assertThrows(PgRollException.class, () -> store.deleteActive("public", "01_create"));
            assertTrue(store.get("public", "01_create").isPresent(), "completed migrations are never deleted");
        }
    }

    @Test
    void refusesASecondActiveMigrationAndDuplicateNames() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            apply(store, "public", "01_a", NO_OPS);
            store.insertStarted("public", "02_b", NO_OPS, "{}");

            PgRollException active = assertThrows(PgRollException.class,
                    () -> store.insertStarted("public", "03_c", NO_OPS, "{}"));
            assertEquals("a migration for schema \"public\" is already in progress", active.getMessage());
            PgRollException sameName = assertThrows(PgRollException.class,
                    () -> store.insertStarted("public", "02_b", NO_OPS, "{}"));
            assertEquals("a migration for schema \"public\" is already in progress", sameName.getMessage());
            PgRollException baseline = assertThrows(PgRollException.class,
                    () -> store.insertBaseline("public", "03_baseline"));
            assertEquals("a migration for schema \"public\" is already in progress", baseline.getMessage());

            // other target schemas are independent
            store.insertStarted("other", "01_a", NO_OPS, "{}");

            store.markCompleted("public", "02_b");
            PgRollException applied = assertThrows(PgRollException.class,
                    () -> store.insertStarted("public", "01_a", NO_OPS, "{}"));
            assertEquals("migration \"01_a\" has already been applied to schema \"public\"", applied.getMessage());
        }
    }

    @Test
    void baseline() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            exec(c, "CREATE TABLE public.legacy (id int)");
            apply(store, "public", "01_a", NO_OPS);
            store.insertBaseline("public", "02_baseline");
            MigrationRecord baseline = store.latestMigration("public").orElseThrow();
            assertEquals("02_baseline", baseline.name());
            assertEquals("baseline", baseline.migrationType());
            assertEquals("01_a", baseline.parent());
            assertTrue(baseline.done());
            assertEquals(json(NO_OPS), json(baseline.migrationJson()));
            assertTrue(json(baseline.resultingSchemaJson()).get("tables").has("legacy"));
        }
    }

    @Test
    void historyIsInChainOrder() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            // all in one transaction: equal created_at, so the chain decides
            c.setAutoCommit(false);
            apply(store, "public", "03_first", NO_OPS);
            apply(store, "public", "01_second", NO_OPS);
            store.insertBaseline("public", "02_third");
            store.insertStarted("public", "00_fourth", NO_OPS, "{}");
            apply(store, "other", "99_other", NO_OPS);
            c.commit();
            c.setAutoCommit(true);

            List<String> names = store.history("public").stream().map(MigrationRecord::name).toList();
            assertEquals(List.of("03_first", "01_second", "02_third", "00_fourth"), names);
            assertEquals(List.of("99_other"), store.history("other").stream().map(MigrationRecord::name).toList());
        }
    }

    @Test
    void versionsOnlyCountExistingVersionSchemas() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            assertEquals(Optional.empty(), store.latestVersion("public"));
            assertEquals(Optional.empty(), store.previousVersion("public"));

            apply(store, "public", "01_init", NO_OPS);
            apply(store, "public", "02_add", "{\"version_schema\":\"v2\",\"operations\":[]}");
            apply(store, "public", "03_more", NO_OPS);
            assertEquals(Optional.empty(), store.latestVersion("public"), "no version schema exists");

            exec(c, "CREATE SCHEMA public_01_init");
            assertEquals(Optional.of("01_init"), store.latestVersion("public"));
            assertEquals(Optional.empty(), store.previousVersion("public"));

            exec(c, "CREATE SCHEMA public_02_add");
            assertEquals(Optional.of("01_init"), store.latestVersion("public"),
                    "02_add's version schema is named after its version_schema");
            exec(c, "CREATE SCHEMA public_v2");
            assertEquals(Optional.of("v2"), store.latestVersion("public"));
            assertEquals(Optional.of("01_init"), store.previousVersion("public"));

            exec(c, "CREATE SCHEMA public_03_more");
            assertEquals(Optional.of("03_more"), store.latestVersion("public"));
            assertEquals(Optional.of("v2"), store.previousVersion("public"));
            assertEquals("01_init", one(c, "SELECT pgroll.find_version_schema('public', 2)"));
            assertNull(one(c, "SELECT pgroll.find_version_schema('public', 3)"));
            assertEquals("03_more", one(c, "SELECT pgroll.latest_migration('public')"));
            assertEquals("02_add", one(c, "SELECT pgroll.previous_migration('public')"));

            exec(c, "DROP SCHEMA public_03_more");
            assertEquals(Optional.of("v2"), store.latestVersion("public"));
            assertEquals(Optional.of("01_init"), store.previousVersion("public"));

            // an active migration's version schema counts as soon as it exists
            store.insertStarted("public", "04_active", NO_OPS, "{}");
            assertEquals(Optional.of("v2"), store.latestVersion("public"));
            exec(c, "CREATE SCHEMA public_04_active");
            assertEquals(Optional.of("04_active"), store.latestVersion("public"));
            assertEquals(Optional.of("v2"), store.previousVersion("public"));
            assertEquals("t", one(c, "SELECT pgroll.is_active_migration_period('public')"));
            assertEquals("f", one(c, "SELECT pgroll.is_active_migration_period('other')"));
        }
    }

    @Test
    void versionsOfATargetSchemaWithAnOddName() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            String schema = "My \"App\"";
            exec(c, "CREATE SCHEMA \"My \"\"App\"\"\"", "CREATE SCHEMA \"My \"\"App\"\"_01 x\"");
            apply(store, schema, "01 x", NO_OPS);
            assertEquals(Optional.of("01 x"), store.latestVersion(schema));
        }
    }

    @Test
    void versionSchemaNamesLongerThanAnIdentifierAreFound() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            String name = "01_" + "a".repeat(70);
            apply(store, "public", name, NO_OPS);
            exec(c, "CREATE SCHEMA \"public_" + name + "\""); // truncated to 63 bytes by Postgres
            assertEquals(Optional.of(name), store.latestVersion("public"));
        }
    }

    @Test
    void concurrentStartsExactlyOneWins() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection c = connect(url)) {
            new StateStore(c, "pgroll").init();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection a = connect(url); Connection b = connect(url)) {
            List<Connection> connections = List.of(a, b);
            for (int round = 0; round < 20; round++) {
                // round 0 races for the first migration (no parent), later rounds for the same parent; every
                // third round both use the same name
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<String>> outcomes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Connection conn = connections.get(i);
                    String name = String.format("%02d_%s", round, round % 3 == 2 ? "same" : "from_" + i);
                    outcomes.add(pool.submit(() -> {
                        StateStore store = new StateStore(conn, "pgroll");
                        barrier.await(10, TimeUnit.SECONDS);
                        try {
                            store.insertStarted("public", name, NO_OPS, "{}");
                            return "won " + name;
                        } catch (PgRollException e) {
                            return e.getMessage();
                        }
                    }));
                }
                List<String> results = new ArrayList<>();
                for (Future<String> outcome : outcomes) {
                    results.add(outcome.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, results.stream().filter(r -> r.startsWith("won ")).count(), results.toString());
                assertTrue(results.contains("a migration for schema \"public\" is already in progress"),
                        results.toString());
                StateStore store = new StateStore(a, "pgroll");
                String winner = store.activeMigration("public").orElseThrow().name();
                assertTrue(results.contains("won " + winner), results.toString());
                store.markCompleted("public", winner);
            }
            assertEquals(20, new StateStore(a, "pgroll").history("public").size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLostInsertLeavesTheCallersTransactionUsable() throws Exception {
        try (Connection c = freshStore()) {
            StateStore store = new StateStore(c, "pgroll");
            store.insertStarted("public", "01_a", NO_OPS, "{}");
            c.setAutoCommit(false);
            assertThrows(PgRollException.class, () -> store.insertStarted("public", "02_b", NO_OPS, "{}"));
            store.markCompleted("public", "01_a");
            store.insertStarted("public", "02_b", NO_OPS, "{}");
            c.commit();
            c.setAutoCommit(true);
            assertEquals("02_b", store.activeMigration("public").orElseThrow().name());
        }
    }
}
