package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * complete and rollback look at what depends on what they drop before they change anything: a refused complete leaves
 * both versions working (and the migration can still be rolled back), and no user object is dropped silently.
 */
class DependentsTest extends HarnessTest {
    private String v1;
    private String v2;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"items","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"price","type":"text","nullable":true},
                  {"name":"note","type":"text","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        v2 = h.version("02_price");
        h.exec(v1, "INSERT INTO items (price, note) VALUES ('10', 'a')");
    }

    private void startPriceChange() {
        h.start("02_price", """
                {"operations":[{"alter_column":{"table":"items","column":"price","type":"integer",
                  "up":"CAST(price AS integer)","down":"CAST(price AS text)"}},
                  {"drop_column":{"table":"items","column":"note"}}]}""");
    }

    private void assertBothVersionsWork() {
        h.exec(v1, "INSERT INTO items (price, note) VALUES ('20', 'b')");
        h.exec(v2, "INSERT INTO items (price) VALUES (30)");
        assertEquals(List.of("10", "20", "30"), h.query(v1, "SELECT price FROM items ORDER BY id").stream()
                .map(r -> r.get(0)).toList());
        h.exec(v2, "DELETE FROM items WHERE price > 10");
    }

    @Test
    void aViewOnAColumnThatCompleteDropsStopsCompleteBeforeAnythingChanges() {
        startPriceChange();
        h.execRaw("CREATE VIEW price_report AS SELECT id, price FROM items",
                "CREATE VIEW notes AS SELECT note FROM items");
        MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.complete());
        assertEquals("complete would drop what view notes, view price_report depend on; nothing was changed: drop or "
                + "change them first, then run complete again", e.getMessage().replace(h.schema + ".", ""));
        assertBothVersionsWork();
        assertEquals(new Status(h.schema, "02_price", Status.IN_PROGRESS), h.roll.status());
        // rollback is still possible (the views use the old columns, which rollback keeps) ...
        h.roll.rollback();
        assertEquals("10", h.scalar(h.schema, "SELECT price FROM price_report"));
        // ... and once the views are gone, complete succeeds
        startPriceChange();
        h.execRaw("DROP VIEW price_report", "DROP VIEW notes");
        h.roll.complete();
        assertEquals("10", h.scalar(v2, "SELECT price FROM items"));
    }

    @Test
    void functionsWithSqlBodiesAndOtherTablesForeignKeysCount() {
        startPriceChange();
        h.execRaw("CREATE FUNCTION item_note(i int) RETURNS text LANGUAGE sql BEGIN ATOMIC "
                + "SELECT note FROM items WHERE id = i; END");
        MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.complete());
        assertTrue(e.getMessage().startsWith("complete would drop what function "), e.getMessage());
        assertTrue(e.getMessage().contains("item_note(integer) depends on"), e.getMessage());
        assertBothVersionsWork();
    }

    @Test
    void aUserViewOnAVersionSchemaViewStopsRollbackAndComplete() {
        startPriceChange();
        h.execRaw("CREATE VIEW new_prices AS SELECT price FROM " + Sql.qualified(v2, "items"));
        MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.rollback());
        assertEquals("version schema \"" + v2 + "\" would be dropped with view new_prices; pgroll drops only its own "
                + "views: move or drop it first", e.getMessage().replace(h.schema + ".", ""));
        assertBothVersionsWork();
        h.execRaw("DROP VIEW new_prices", "CREATE VIEW old_prices AS SELECT price FROM " + Sql.qualified(v1, "items"));
        e = assertThrows(MigrationStateException.class, () -> h.roll.complete());
        assertTrue(e.getMessage().startsWith("version schema \"" + v1 + "\" would be dropped with view "),
                e.getMessage());
        assertBothVersionsWork();
        h.execRaw("DROP VIEW old_prices");
        h.roll.complete();
    }

    @Test
    void aTableSomeoneCreatedInAVersionSchemaIsNotDroppedWithIt() {
        startPriceChange();
        h.execRaw("CREATE TABLE " + Sql.qualified(v2, "scratch") + " (v int)");
        MigrationStateException e = assertThrows(MigrationStateException.class, () -> h.roll.rollback());
        assertTrue(e.getMessage().contains("table " + Sql.ident(v2) + ".scratch")
                || e.getMessage().contains("table " + v2 + ".scratch"), e.getMessage());
        assertEquals(Status.IN_PROGRESS, h.roll.status().status());
    }
}
