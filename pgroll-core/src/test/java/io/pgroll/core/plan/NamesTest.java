package io.pgroll.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NamesTest {
    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void namesThatFitAreTheGoToolsNames() {
        assertEquals("_pgroll_trigger_users_name", Names.trigger("users", "name"));
        assertEquals("_pgroll_new_name", Names.newColumn("name"));
        assertEquals("_pgroll_dup_users_pkey", Names.copy("users_pkey"));
        String exactly63 = "_pgroll_new_" + "x".repeat(51);
        assertEquals(63, bytes(exactly63));
        assertEquals(exactly63, Names.newColumn("x".repeat(51)));
    }

    @Test
    void longNamesFitAndStayDistinct() {
        String table = "customer_billing_addresses_eu1";
        String line1 = Names.trigger(table, "billing_address_line1");
        String line2 = Names.trigger(table, "billing_address_line2");
        assertTrue(bytes(line1) <= 63 && bytes(line2) <= 63, line1 + " " + line2);
        assertNotEquals(line1, line2);
        assertEquals(line1, Names.trigger(table, "billing_address_line1"), "stable");
        assertTrue(line1.startsWith("_pgroll_trigger_customer_billing_addresses_eu1_"), line1);
        String down = Names.trigger(table, Names.newColumn("billing_address_line1"));
        assertNotEquals(line1, down);
        assertTrue(bytes(down) <= 63);
        assertEquals(63, bytes(Names.newColumn("c".repeat(63))));
        assertTrue(Names.isCopy(Names.copy("k".repeat(60))));
    }

    @Test
    void multiByteCharactersAreNotCutInTwo() {
        String name = Names.newColumn("ü".repeat(40));
        assertTrue(bytes(name) <= 63, name);
        assertEquals(name, new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        assertTrue(name.matches("_pgroll_new_ü+_[0-9a-f]{8}"), name);
    }

    @Test
    void notNullConstraintNamesAreThoseOfPostgres18() {
        assertEquals("members__pgroll_new_max_loans_not_null", Names.notNullConstraint("members", "_pgroll_new_max_loans"));
        // the longer part is shortened first, until the whole fits
        String name = Names.notNullConstraint("t".repeat(40), "c".repeat(30));
        assertEquals("t".repeat(27) + "_" + "c".repeat(26) + "_not_null", name);
        assertEquals(63, bytes(name));
    }
}
