package io.pgroll.core.state;

import static io.pgroll.core.state.StateTestSupport.connect;
import static io.pgroll.core.state.StateTestSupport.connectPlain;
import static io.pgroll.core.state.StateTestSupport.exec;
import static io.pgroll.core.state.StateTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DDL run outside pgroll is recorded by the event triggers (the embedded server runs tests as superuser). */
class InferredMigrationsTest {

    private static final String NO_OPS = "{\"operations\":[]}";

    @Test
    void recordsDdlDoneOutsidePgroll() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection tool = connect(url); Connection app = connectPlain(url)) {
            StateStore store = new StateStore(tool, "pgroll");
            store.init();

            exec(app, "CREATE SCHEMA app");
            exec(app, "CREATE TABLE app.items (id int)");
            List<MigrationRecord> rows = store.history("app");
            assertEquals(2, rows.size(), rows.toString());
            MigrationRecord first = rows.get(0);
            assertTrue(first.name().matches("00000_initial_\\d{20}"), first.name());
            assertNull(first.parent());
            assertEquals("inferred", first.migrationType());
            assertTrue(first.done());
            assertEquals(first.name(), rows.get(1).parent());
            JsonNode migration = json(rows.get(1).migrationJson());
            assertTrue(migration.get("version_schema").asText().matches("sql_[0-9a-f]{8}"), migration.toString());
            assertEquals("CREATE TABLE app.items (id int)",
                    migration.get("operations").get(0).get("sql").get("up").asText());
            assertTrue(json(rows.get(1).resultingSchemaJson()).get("tables").has("items"));

            store.insertStarted("app", "01_init", NO_OPS, store.readSchema("app"));
            exec(app, "CREATE TABLE app.during (id int)");
            assertEquals(3, store.history("app").size(), "DDL during an active migration is not recorded");
            store.markCompleted("app", "01_init");

            exec(tool, "CREATE TABLE app.by_tool (id int)");
            assertEquals(3, store.history("app").size(), "sessions marked with the GUC are not recorded");

            exec(app, "ALTER TABLE app.items ADD COLUMN name text");
            exec(app, "ALTER TABLE app.items DROP COLUMN name");
            exec(app, "DROP TABLE app.during");
            rows = store.history("app");
            assertEquals(6, rows.size(), rows.toString());
            for (MigrationRecord row : rows.subList(3, 6)) {
                assertTrue(row.name().matches("01_init_\\d{20}"), row.name());
                assertEquals("inferred", row.migrationType());
            }
            assertEquals("DROP TABLE app.during",
                    json(rows.get(5).migrationJson()).get("operations").get(0).get("sql").get("up").asText());
            assertTrue(store.latestVersion("app").isEmpty(), "inferred migrations have no version schema");

            exec(app, "CREATE TEMP TABLE scratch (id int)");
            assertTrue(store.history("pg_temp").isEmpty());
            assertEquals(6, store.history("app").size());
        }
    }

    @Test
    void aMultiStatementBatchIsRecordedOnce() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection tool = connect(url);
             Connection app = connectPlain(url + "&preferQueryMode=simple")) {
            StateStore store = new StateStore(tool, "pgroll");
            store.init();
            exec(tool, "CREATE SCHEMA app");
            exec(app, "CREATE TABLE app.a (id int); CREATE TABLE app.b (id int)");
            List<MigrationRecord> rows = store.history("app");
            assertEquals(1, rows.size(), rows.toString());
            assertTrue(json(rows.get(0).resultingSchemaJson()).get("tables").has("b"));
        }
    }

    @Test
    void schemaCreationAndDropAreAttributedToTheSchema() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection tool = connect(url); Connection app = connectPlain(url)) {
            StateStore store = new StateStore(tool, "pgroll");
            store.init();
            exec(app, "CREATE SCHEMA \"Odd Name\"");
            exec(app, "DROP SCHEMA \"Odd Name\"");
            List<MigrationRecord> rows = store.history("Odd Name");
            assertEquals(2, rows.size(), rows.toString());
            assertEquals(json("{\"name\": \"Odd Name\", \"tables\": {}}"), json(rows.get(1).resultingSchemaJson()));
        }
    }
}
