package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names pgroll derives never collide, and objects pgroll did not create are never taken over: a start that would
 * need an existing name is refused before it changes anything, and nothing of the user's is dropped afterwards.
 */
class OwnershipTest extends HarnessTest {
    private static final String TABLE = "customer_billing_addresses_eu1"; // 30 characters

    @Test
    void twoLongColumnsChangedInOneMigrationKeepTheirOwnTriggers() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"%s","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"billing_address_line1","type":"varchar(50)"},
                  {"name":"billing_address_line2","type":"varchar(50)"}]}}]}""".formatted(TABLE));
        String v1 = h.version("01_create");
        String v2 = h.version("02_widen");
        h.exec(v1, "INSERT INTO " + TABLE + " (billing_address_line1, billing_address_line2) VALUES ('a1', 'a2')");
        h.start("02_widen", """
                {"operations":[
                  {"alter_column":{"table":"%1$s","column":"billing_address_line1","type":"text",
                    "up":"upper(billing_address_line1)","down":"billing_address_line1"}},
                  {"alter_column":{"table":"%1$s","column":"billing_address_line2","type":"text",
                    "up":"lower(billing_address_line2)","down":"billing_address_line2"}}]}""".formatted(TABLE));
        List<String> functions = h.query("public", "SELECT proname FROM pg_proc WHERE proname LIKE '\\_pgroll\\_trigger%' "
                + "ORDER BY 1").stream().map(r -> r.get(0)).toList();
        assertEquals(4, functions.size(), functions.toString());
        // old clients write both columns; each copy gets its own up expression
        h.exec(v1, "INSERT INTO " + TABLE + " (billing_address_line1, billing_address_line2) VALUES ('b1', 'B2')");
        h.exec(v1, "UPDATE " + TABLE + " SET billing_address_line1 = 'c1' WHERE billing_address_line1 = 'a1'");
        assertEquals(List.of(List.of("C1", "a2"), List.of("B1", "b2")), h.query(v2, "SELECT billing_address_line1, "
                + "billing_address_line2 FROM " + TABLE + " ORDER BY id"));
        // new clients write both columns; each original gets its own down expression
        h.exec(v2, "UPDATE " + TABLE + " SET billing_address_line2 = 'd2' WHERE id = 2");
        assertEquals(List.of("B1", "d2"), h.query(v1, "SELECT billing_address_line1, billing_address_line2 FROM "
                + TABLE + " WHERE id = 2").get(0));
        h.roll.complete();
        assertEquals(List.of(List.of("C1", "a2"), List.of("B1", "d2")), h.query(v2, "SELECT billing_address_line1, "
                + "billing_address_line2 FROM " + TABLE + " ORDER BY id"));
        assertEquals(List.of(), h.leftovers());
    }

    @Test
    void anExistingColumnWithTheNameOfTheHiddenCopyIsRefusedAndKept() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
        h.execRaw("ALTER TABLE users ADD COLUMN _pgroll_new_name text", "UPDATE users SET _pgroll_new_name = 'mine'");
        h.execRaw("INSERT INTO users (name, _pgroll_new_name) VALUES ('x', 'mine')");
        String json = """
                {"operations":[{"alter_column":{"table":"users","column":"name","nullable":false,
                  "up":"coalesce(name, 'anonymous')","down":"name"}}]}""";
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_not_null", json));
        assertEquals("operations[0].alter_column", e.path());
        assertEquals("cannot create the copy of column \"name\" of table \"users\" that the new version uses as "
                + "\"_pgroll_new_name\": column _pgroll_new_name of table users already exists; pgroll never takes "
                + "over an object it did not create (rename or drop it)", e.detail());
        // also when validation is skipped
        assertThrows(MigrationFileException.class, () -> h.roll.start(Harness.migration("02_not_null", json),
                new StartOptions(true, 0, null)));
        assertEquals(List.of("mine"), h.query("public", "SELECT DISTINCT _pgroll_new_name FROM "
                + Sql.qualified(h.schema, "users")).stream().map(r -> r.get(0)).toList());
        assertEquals(Status.COMPLETE, h.roll.status().status());
        assertFalse(h.schemaExists(h.version("02_not_null")));
    }

    @Test
    void anExistingFunctionWithTheNameOfATriggerIsRefused() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"name","type":"text","nullable":true}]}}]}""");
        h.execRaw("CREATE FUNCTION _pgroll_trigger_users_nick() RETURNS int LANGUAGE sql AS 'SELECT 42'");
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_add", """
                {"operations":[{"add_column":{"table":"users","up":"name",
                  "column":{"name":"nick","type":"text","nullable":true}}}]}"""));
        assertTrue(e.detail().startsWith("cannot create the function of the up trigger for column \"nick\" of table "
                + "\"users\" as \"_pgroll_trigger_users_nick\": function _pgroll_trigger_users_nick() already exists"),
                e.detail());
        assertEquals("42", h.scalar(h.schema, "SELECT _pgroll_trigger_users_nick()"));
    }

    @Test
    void anExistingSchemaNamedLikeTheVersionSchemaIsNeverTakenOverNorDropped() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[{"name":"id","type":"serial","pk":true}]}}]}""");
        String taken = h.version("02_add");
        h.execRaw("CREATE SCHEMA " + Sql.ident(taken), "CREATE TABLE " + Sql.qualified(taken, "precious") + " (v int)",
                "INSERT INTO " + Sql.qualified(taken, "precious") + " VALUES (7)");
        String json = """
                {"operations":[{"add_column":{"table":"users","column":{"name":"n","type":"int","nullable":true}}}]}""";
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_add", json));
        assertEquals("cannot create the version schema \"" + taken + "\": schema " + taken + " already exists; pgroll "
                + "never takes over an object it did not create (rename or drop it, or set version_schema)", e.detail());
        // with validation skipped the start fails when it creates the schema, and its undo leaves the schema alone
        PgRollException failed = assertThrows(PgRollException.class, () -> h.roll.start(Harness.migration("02_add", json),
                new StartOptions(true, 0, null)));
        assertTrue(failed.getMessage().endsWith("; changes rolled back"), failed.getMessage());
        assertEquals("7", h.scalar("public", "SELECT v FROM " + Sql.qualified(taken, "precious")));
        assertEquals(List.of("id"), h.columns("users"));
        assertEquals(Status.COMPLETE, h.roll.status().status());
    }
}
