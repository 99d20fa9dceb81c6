package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Changes made outside pgroll show in status, with or without event triggers recording them. */
class DriftTest extends HarnessTest {

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_items", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"serial","pk":true},{"name":"title","type":"text","nullable":true}]}}]}""");
    }

    /** DDL in a session where the inferred-migration triggers stay quiet, as where they cannot be installed. */
    private void ddlUnrecorded(String... statements) throws SQLException {
        try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
            s.execute("SET pgroll.no_inferred_migrations = 'TRUE'");
            s.execute("SET search_path = " + Sql.ident(h.schema));
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void noDriftRightAfterAMigration() {
        assertEquals(List.of(), h.roll.status().drift());
    }

    @Test
    void changesMadeByHandAreListed() throws SQLException {
        ddlUnrecorded("ALTER TABLE items ADD COLUMN note text",
                "ALTER TABLE items ALTER COLUMN title SET NOT NULL",
                "CREATE INDEX items_title_idx ON items (title)",
                "CREATE TABLE extra (id int)");

        assertEquals(List.of(
                "table \"extra\" added",
                "column \"note\" added to table \"items\"",
                "column \"title\" of table \"items\": nullable true -> false",
                "index \"items_title_idx\" added to table \"items\""), h.roll.status().drift());
    }

    @Test
    void changesRecordedAsInferredMigrationsAreHistoryNotDrift() {
        h.execRaw("ALTER TABLE items ADD COLUMN note text"); // the event triggers record it (superuser)
        assertEquals(List.of(), h.roll.status().drift());
    }

    @Test
    void droppedObjectsAreListedToo() throws SQLException {
        ddlUnrecorded("ALTER TABLE items DROP COLUMN title CASCADE"); // and the version schema's view with it
        assertEquals(List.of("column \"title\" dropped from table \"items\""), h.roll.status().drift());
    }
}
