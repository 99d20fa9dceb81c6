package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** create_constraint, drop_constraint and drop_multicolumn_constraint through their whole life. */
class ConstraintOperationsTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"owners","columns":[{"name":"id","type":"int","pk":true}]}},
                  {"create_table":{"name":"tickets","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"seller","type":"text","nullable":true},
                    {"name":"zip","type":"int","nullable":true},
                    {"name":"owner_id","type":"int","nullable":true}],
                   "constraints":[{"name":"seller_zip_check","type":"check","check":"zip > 0 OR seller IS NULL"},
                                  {"name":"seller_zip_unique","type":"unique","columns":["seller","zip"]}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO owners VALUES (1)",
                "INSERT INTO tickets (seller, zip, owner_id) VALUES ('a', 1, 1), ('a', 2, NULL), ('b', 1, 7)");
    }

    @Test
    void createUniqueOverTwoColumnsWithUpFixingDuplicates() {
        h.startAndComplete("02_drop_unique", """
                {"operations":[{"drop_multicolumn_constraint":{"table":"tickets","name":"seller_zip_unique",
                  "down":{"seller":"seller","zip":"zip"}}}]}""");
        String old = h.version("02_drop_unique");
        h.exec(old, "INSERT INTO tickets (seller, zip) VALUES ('dup', 5), ('dup', 5)");
        String v2 = h.version("03_unique");
        h.lifecycle("03_unique", """
                {"operations":[{"create_constraint":{"table":"tickets","name":"tickets_seller_zip","type":"unique",
                  "columns":["seller","zip"],
                  "up":{"seller":"seller || '-' || id","zip":"zip"},"down":{"seller":"seller","zip":"zip"}}}]}""",
                db -> {
                    assertEquals("0", db.scalar(v2, "SELECT count(*) FROM (SELECT seller, zip FROM tickets "
                            + "GROUP BY 1, 2 HAVING count(*) > 1) d"));
                    db.assertFails("23505", v2, "INSERT INTO tickets (seller, zip) VALUES ('x', 1), ('x', 1)");
                    db.exec(old, "INSERT INTO tickets (seller, zip) VALUES ('y', 1), ('y', 1)");
                    db.exec(old, "DELETE FROM tickets WHERE seller = 'y'");
                },
                Harness.Check.NONE,
                db -> {
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM pg_constraint WHERE contype = 'u' "
                            + "AND conname = 'tickets_seller_zip'"));
                    db.assertFails("23505", v2, "INSERT INTO tickets (seller, zip) VALUES ('x', 1), ('x', 1)");
                });
    }

    @Test
    void createForeignKeyEnforcedOnlyInTheNewVersion() {
        String v2 = h.version("02_fk");
        h.lifecycle("02_fk", """
                {"operations":[{"create_constraint":{"table":"tickets","name":"tickets_owner_fk","type":"foreign_key",
                  "columns":["owner_id"],"references":{"table":"owners","columns":["id"]},
                  "up":{"owner_id":"CASE WHEN owner_id IN (SELECT id FROM owners) THEN owner_id END"},
                  "down":{"owner_id":"owner_id"}}}]}""",
                db -> {
                    assertEquals(null, db.scalar(v2, "SELECT owner_id FROM tickets WHERE seller = 'b'"));
                    assertEquals("7", db.scalar(v1, "SELECT owner_id FROM tickets WHERE seller = 'b'"));
                    db.assertFails("23503", v2, "INSERT INTO tickets (seller, zip, owner_id) VALUES ('c', 1, 99)");
                    db.exec(v1, "INSERT INTO tickets (seller, zip, owner_id) VALUES ('c', 1, 99)");
                    db.exec(v1, "DELETE FROM tickets WHERE seller = 'c'");
                },
                Harness.Check.NONE,
                db -> db.assertFails("23503", v2, "INSERT INTO tickets (seller, zip, owner_id) VALUES ('c', 1, 99)"));
    }

    @Test
    void createCheckAndPrimaryKey() {
        h.startAndComplete("02_nopk", """
                {"operations":[{"create_table":{"name":"plain","columns":[{"name":"code","type":"text","nullable":true}]}}]}""");
        h.exec(h.version("02_nopk"), "INSERT INTO plain VALUES ('a'), ('b'), (NULL)");
        String v3 = h.version("03_pk");
        h.lifecycle("03_pk", """
                {"operations":[{"create_constraint":{"table":"plain","name":"plain_pkey","type":"primary_key",
                  "columns":["code"],"up":{"code":"COALESCE(code, 'none')"},"down":{"code":"code"}}}]}""",
                db -> db.assertFails("23505", v3, "INSERT INTO plain VALUES ('a')"),
                Harness.Check.NONE,
                db -> {
                    assertEquals("1", db.scalar(v3, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' "
                            + "AND conname = 'plain_pkey'"));
                    db.assertFails("23502", v3, "INSERT INTO plain VALUES (NULL)");
                });
    }

    @Test
    void dropMultiColumnCheckAndUnique() {
        String v2 = h.version("02_drop");
        h.lifecycle("02_drop", """
                {"operations":[{"drop_multicolumn_constraint":{"table":"tickets","name":"seller_zip_check",
                  "down":{"seller":"seller","zip":"CASE WHEN zip > 0 THEN zip ELSE 1 END"}}}]}""",
                db -> {
                    db.exec(v2, "INSERT INTO tickets (seller, zip) VALUES ('neg', -5)");
                    assertEquals("1", db.scalar(v1, "SELECT zip FROM tickets WHERE seller = 'neg'"));
                    db.assertFails("23514", v1, "INSERT INTO tickets (seller, zip) VALUES ('neg2', -5)");
                    db.exec(v2, "DELETE FROM tickets WHERE seller = 'neg'");
                    // the unique constraint over the same columns is carried over to the copies
                    db.assertFails("23505", v2, "INSERT INTO tickets (seller, zip) VALUES ('a', 1)");
                },
                Harness.Check.NONE,
                db -> {
                    db.exec(v2, "INSERT INTO tickets (seller, zip) VALUES ('neg', -5)");
                    assertEquals("0", db.scalar(v2, "SELECT count(*) FROM pg_constraint WHERE conname = 'seller_zip_check'"));
                    assertEquals("1", db.scalar(v2, "SELECT count(*) FROM pg_constraint WHERE conname = 'seller_zip_unique'"));
                    db.assertFails("23505", v2, "INSERT INTO tickets (seller, zip) VALUES ('a', 1)");
                });
    }

    @Test
    void dropSingleColumnConstraint() {
        h.startAndComplete("02_check", """
                {"operations":[{"alter_column":{"table":"tickets","column":"seller",
                  "check":{"name":"seller_short","constraint":"length(seller) < 5"},"up":"left(seller, 4)","down":"seller"}}]}""");
        String v3 = h.version("03_drop");
        h.lifecycle("03_drop", """
                {"operations":[{"drop_constraint":{"table":"tickets","name":"seller_short","down":"left(seller, 4)"}}]}""",
                db -> {
                    db.exec(v3, "INSERT INTO tickets (seller, zip) VALUES ('longname', 3)");
                    assertEquals("long", db.scalar(h.version("02_check"), "SELECT seller FROM tickets WHERE zip = 3"));
                    db.exec(v3, "DELETE FROM tickets WHERE zip = 3");
                },
                Harness.Check.NONE,
                db -> db.exec(v3, "INSERT INTO tickets (seller, zip) VALUES ('longname', 3)"));
    }
}
