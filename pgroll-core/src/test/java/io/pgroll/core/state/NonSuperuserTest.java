package io.pgroll.core.state;

import static io.pgroll.core.state.StateTestSupport.asUser;
import static io.pgroll.core.state.StateTestSupport.connect;
import static io.pgroll.core.state.StateTestSupport.database;
import static io.pgroll.core.state.StateTestSupport.exec;
import static io.pgroll.core.state.StateTestSupport.json;
import static io.pgroll.core.state.StateTestSupport.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Managed services give no superuser: init must work for a role that merely owns its database or schemas. */
class NonSuperuserTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void createRole() throws Exception {
        try (Connection admin = connect(TestPostgres.adminUrl())) {
            exec(admin, "DO $$ BEGIN"
                    + " IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_owner') THEN"
                    + "   CREATE ROLE app_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;"
                    + " END IF;"
                    + " EXCEPTION WHEN duplicate_object THEN NULL;"
                    + " END $$");
        }
    }

    @Test
    void databaseOwnerWithoutSuperuser() throws Exception {
        String name = "app_owned_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection admin = connect(TestPostgres.adminUrl())) {
            exec(admin, "CREATE DATABASE " + name + " OWNER app_owner");
        }
        String url = asUser(database(TestPostgres.adminUrl(), name), "app_owner");
        try (Connection c = connect(url)) {
            assertEquals("app_owner", one(c, "SELECT current_user"));
            assertEquals("off", one(c, "SHOW is_superuser"));
            exec(c, "CREATE SCHEMA app", "CREATE TABLE app.items (id int PRIMARY KEY)");
            runLifecycle(c);
            assertEquals("0", one(c, "SELECT count(*) FROM pg_event_trigger"), "event triggers skipped");
            assertEquals("0", one(c, "SELECT count(*) FROM pg_proc WHERE proname = 'raw_migration'"));
        }
    }

    @Test
    void schemaOwnerWithoutCreateOnTheDatabase() throws Exception {
        String adminUrl = TestPostgres.newDatabase();
        try (Connection admin = connect(adminUrl)) {
            exec(admin, "CREATE SCHEMA pgroll AUTHORIZATION app_owner",
                    "CREATE SCHEMA app AUTHORIZATION app_owner",
                    "REVOKE CREATE ON DATABASE " + one(admin, "SELECT current_database()") + " FROM PUBLIC");
        }
        try (Connection c = connect(asUser(adminUrl, "app_owner"))) {
            assertEquals("f", one(c, "SELECT has_database_privilege(current_database(), 'CREATE')"));
            exec(c, "CREATE TABLE app.items (id int PRIMARY KEY)");
            runLifecycle(c);
        }
    }

    private static void runLifecycle(Connection c) {
        StateStore store = new StateStore(c, "pgroll");
        assertFalse(store.isInitialized());
        store.init();
        store.init();
        assertTrue(store.isInitialized());
        assertFalse(store.needsUpgrade());

        store.insertStarted("app", "01_start", "{\"operations\":[]}", store.readSchema("app"));
        assertTrue(store.activeMigration("app").isPresent());
        store.markCompleted("app", "01_start");
        MigrationRecord done = store.latestMigration("app").orElseThrow();
        assertTrue(done.done());
        assertTrue(json(done.resultingSchemaJson()).get("tables").has("items"));
        store.insertBaseline("app", "02_baseline");
        assertEquals(2, store.history("app").size());
    }
}
