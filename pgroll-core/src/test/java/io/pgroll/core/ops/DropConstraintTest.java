package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * drop_constraint of a check, a unique and a foreign key constraint through the whole life: the old version keeps
 * the constraint (down makes new-version writes fit it), the new version is free of it, complete removes it and
 * rollback leaves it as it was.
 */
class DropConstraintTest extends HarnessTest {
    private PhysicalSchema db;
    private String v1;

    @BeforeEach
    void setUp() {
        db = new PhysicalSchema(h);
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"owners","columns":[{"name":"id","type":"integer","pk":true}]}},
                  {"create_table":{"name":"products","columns":[
                    {"name":"id","type":"serial","pk":true},
                    {"name":"name","type":"text","nullable":true,"comment":"product name",
                     "check":{"name":"name_length","constraint":"length(name) < 10"}},
                    {"name":"sku","type":"text","nullable":true,"unique":true},
                    {"name":"owner_id","type":"integer","nullable":true,
                     "references":{"name":"products_owner_fk","table":"owners","column":"id","on_delete":"CASCADE"}}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO owners VALUES (1), (2)",
                "INSERT INTO products (name, sku, owner_id) VALUES ('short', 'A', 1), ('x', 'B', 2), (NULL, NULL, NULL)");
    }

    @Test
    void dropCheck() {
        String v2 = h.version("02_drop_check");
        AtomicInteger round = new AtomicInteger();
        h.lifecycle("02_drop_check", """
                {"operations":[{"drop_constraint":{"table":"products","name":"name_length","down":"left(name, 9)"}}]}""",
                x -> {
                    int r = round.incrementAndGet();
                    h.exec(v2, "INSERT INTO products (name, sku) VALUES ('a rather long name', 'long-" + r + "')");
                    assertEquals("a rather ", h.scalar(v1, "SELECT name FROM products WHERE sku = 'long-" + r + "'"));
                    assertEquals("a rather long name", h.scalar(v2, "SELECT name FROM products WHERE sku = 'long-" + r + "'"));
                    h.assertFails("23514", v1, "INSERT INTO products (name) VALUES ('a rather long name')");
                    h.exec(v1, "UPDATE products SET name = 'renamed' WHERE sku = 'A'");
                    assertEquals("renamed", h.scalar(v2, "SELECT name FROM products WHERE sku = 'A'"));
                    assertEquals("c t f f {name}", db.constraint("products", "name_length"));
                    // what else the column had is carried over to the copy
                    assertEquals("product name", db.comment("products", "_pgroll_new_name"));
                },
                x -> {
                    assertEquals("c t f f {name}", db.constraint("products", "name_length"));
                    h.assertFails("23514", v1, "INSERT INTO products (name) VALUES ('a rather long name')");
                    assertEquals("a rather ", h.scalar(v1, "SELECT name FROM products WHERE sku = 'long-1'"));
                },
                x -> {
                    assertNull(db.constraint("products", "name_length"));
                    assertEquals(List.of(), db.constraints("products", "c"));
                    h.exec(v2, "INSERT INTO products (name) VALUES ('another rather long name')");
                    assertEquals(List.of("a rather ", "a rather long name"), h.query(v2,
                            "SELECT name FROM products WHERE sku LIKE 'long-%' ORDER BY sku").stream()
                            .map(row -> row.get(0)).toList());
                    assertEquals("product name", db.comment("products", "name"));
                    assertEquals(List.of("products_sku_key"), db.constraints("products", "u"));
                    assertEquals(List.of("products_owner_fk"), db.constraints("products", "f"));
                });
    }

    @Test
    void dropUnique() {
        String v2 = h.version("02_drop_unique");
        h.lifecycle("02_drop_unique", """
                {"operations":[{"drop_constraint":{"table":"products","name":"products_sku_key",
                  "up":"sku","down":"sku || '-' || id"}}]}""",
                x -> {
                    h.exec(v2, "INSERT INTO products (name, sku) VALUES ('dup', 'A')");
                    assertEquals("2", h.scalar(v2, "SELECT count(*) FROM products WHERE sku = 'A'"));
                    assertEquals("1", h.scalar(v1, "SELECT count(*) FROM products WHERE sku = 'A'"));
                    assertEquals("A-" + h.scalar(v2, "SELECT id FROM products WHERE name = 'dup'"),
                            h.scalar(v1, "SELECT sku FROM products WHERE name = 'dup'"));
                    h.assertFails("23505", v1, "INSERT INTO products (name, sku) VALUES ('dup', 'B')");
                    h.exec(v2, "DELETE FROM products WHERE name = 'dup'");
                    assertEquals("u t f f {sku}", db.constraint("products", "products_sku_key"));
                },
                x -> {
                    assertEquals("u t f f {sku}", db.constraint("products", "products_sku_key"));
                    assertNotNull(db.validIndex("products_sku_key"));
                    h.assertFails("23505", v1, "INSERT INTO products (name, sku) VALUES ('dup', 'B')");
                },
                x -> {
                    assertEquals(List.of(), db.constraints("products", "u"));
                    assertEquals(List.of("products_pkey"), db.indexes("products"));
                    h.exec(v2, "INSERT INTO products (name, sku) VALUES ('dup', 'A'), ('dup', 'A')");
                    assertEquals("c t f f {name}", db.constraint("products", "name_length"));
                });
    }

    @Test
    void dropForeignKey() {
        String v2 = h.version("02_drop_fk");
        h.lifecycle("02_drop_fk", """
                {"operations":[{"drop_constraint":{"table":"products","name":"products_owner_fk",
                  "down":"CASE WHEN owner_id IN (SELECT o.id FROM owners o) THEN owner_id END"}}]}""",
                x -> {
                    h.exec(v2, "INSERT INTO products (name, owner_id) VALUES ('orphan', 99)");
                    assertEquals("99", h.scalar(v2, "SELECT owner_id FROM products WHERE name = 'orphan'"));
                    assertNull(h.scalar(v1, "SELECT owner_id FROM products WHERE name = 'orphan'"));
                    h.assertFails("23503", v1, "INSERT INTO products (name, owner_id) VALUES ('orphan', 99)");
                    h.exec(v2, "UPDATE products SET owner_id = 2 WHERE name = 'orphan'");
                    assertEquals("2", h.scalar(v1, "SELECT owner_id FROM products WHERE name = 'orphan'"));
                    h.exec(v2, "DELETE FROM products WHERE name = 'orphan'");
                    assertEquals("f t f f {owner_id}", db.constraint("products", "products_owner_fk"));
                },
                x -> {
                    assertEquals("f t f f {owner_id}", db.constraint("products", "products_owner_fk"));
                    assertEquals("c a s", db.foreignKeyActions("products", "products_owner_fk"));
                },
                x -> {
                    assertEquals(List.of(), db.constraints("products", "f"));
                    h.exec(v2, "INSERT INTO products (name, owner_id) VALUES ('orphan', 99)");
                    // no cascade any more either
                    h.exec(v2, "DELETE FROM owners WHERE id = 1");
                    assertEquals("1", h.scalar(v2, "SELECT owner_id FROM products WHERE sku = 'A'"));
                });
    }
}
