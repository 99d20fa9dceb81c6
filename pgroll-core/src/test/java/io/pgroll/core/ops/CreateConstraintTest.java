package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pgroll.core.testing.HarnessTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * create_constraint kinds not covered by {@link ConstraintOperationsTest}: a check over two columns and a foreign key
 * over two columns, and dropping that foreign key again with drop_multicolumn_constraint.
 */
class CreateConstraintTest extends HarnessTest {
    private PhysicalSchema db;
    private String v1;

    @BeforeEach
    void setUp() {
        db = new PhysicalSchema(h);
        h.startAndComplete("01_create", """
                {"operations":[
                  {"create_table":{"name":"rooms","columns":[{"name":"building","type":"integer","pk":true},
                    {"name":"room","type":"integer","pk":true}]}},
                  {"create_table":{"name":"bookings","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"building","type":"integer","nullable":true},{"name":"room","type":"integer","nullable":true},
                    {"name":"starts","type":"integer","nullable":true},{"name":"ends","type":"integer","nullable":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO rooms VALUES (1, 1), (1, 2)",
                "INSERT INTO bookings (building, room, starts, ends) VALUES (1, 1, 9, 10), (1, 2, 12, 11), (2, 7, 8, 9)");
    }

    @Test
    void checkOverTwoColumns() {
        String v2 = h.version("02_check");
        h.lifecycle("02_check", """
                {"operations":[{"create_constraint":{"table":"bookings","name":"starts_before_ends","type":"check",
                  "columns":["starts","ends"],"check":"starts < ends",
                  "up":{"starts":"LEAST(starts, ends)","ends":"GREATEST(starts, ends) + CASE WHEN starts = ends THEN 1 ELSE 0 END"},
                  "down":{"starts":"starts","ends":"ends"}}}]}""",
                x -> {
                    assertEquals(List.of(List.of("11", "12")), h.query(v2, "SELECT starts, ends FROM bookings WHERE room = 2"));
                    assertEquals(List.of(List.of("12", "11")), h.query(v1, "SELECT starts, ends FROM bookings WHERE room = 2"));
                    assertEquals("c f f f {_pgroll_new_starts,_pgroll_new_ends}", db.constraint("bookings", "starts_before_ends"));
                    h.assertFails("23514", v2, "INSERT INTO bookings (starts, ends) VALUES (5, 4)");
                    h.exec(v1, "INSERT INTO bookings (building, starts, ends) VALUES (9, 5, 5)");
                    assertEquals(List.of(List.of("5", "6")), h.query(v2, "SELECT starts, ends FROM bookings WHERE building = 9"));
                    h.exec(v1, "DELETE FROM bookings WHERE building = 9");
                },
                x -> assertNull(db.constraint("bookings", "starts_before_ends")),
                x -> {
                    assertEquals("c t f f {starts,ends}", db.constraint("bookings", "starts_before_ends"));
                    h.assertFails("23514", v2, "INSERT INTO bookings (starts, ends) VALUES (5, 4)");
                    assertEquals(List.of(List.of("11", "12")), h.query(v2, "SELECT starts, ends FROM bookings WHERE room = 2"));
                });
    }

    @Test
    void foreignKeyOverTwoColumnsAndDroppingItAgain() {
        String v2 = h.version("02_fk");
        String up = "CASE WHEN (building, room) IN (SELECT r.building, r.room FROM rooms r) THEN %s END";
        h.lifecycle("02_fk", """
                {"operations":[{"create_constraint":{"table":"bookings","name":"bookings_room_fk","type":"foreign_key",
                  "columns":["building","room"],"references":{"table":"rooms","columns":["building","room"],
                    "on_delete":"CASCADE"},
                  "up":{"building":"%s","room":"%s"},"down":{"building":"building","room":"room"}}}]}"""
                        .formatted(up.formatted("building"), up.formatted("room")),
                x -> {
                    assertEquals(java.util.Arrays.asList(null, null),
                            h.query(v2, "SELECT building, room FROM bookings WHERE starts = 8").get(0));
                    h.assertFails("23503", v2, "INSERT INTO bookings (building, room) VALUES (3, 3)");
                    assertEquals("f t f f {_pgroll_new_building,_pgroll_new_room}",
                            db.constraint("bookings", "bookings_room_fk"));
                },
                x -> assertNull(db.constraint("bookings", "bookings_room_fk")),
                x -> {
                    assertEquals("f t f f {building,room}", db.constraint("bookings", "bookings_room_fk"));
                    assertEquals("c a s", db.foreignKeyActions("bookings", "bookings_room_fk"));
                    h.assertFails("23503", v2, "INSERT INTO bookings (building, room) VALUES (3, 3)");
                    h.exec(v2, "DELETE FROM rooms WHERE room = 2");
                    assertEquals("0", h.scalar(v2, "SELECT count(*) FROM bookings WHERE room = 2"));
                });
        String v3 = h.version("03_drop_fk");
        h.lifecycle("03_drop_fk", """
                {"operations":[{"drop_multicolumn_constraint":{"table":"bookings","name":"bookings_room_fk",
                  "down":{"building":"%s","room":"%s"}}}]}""".formatted(up.formatted("building"), up.formatted("room")),
                x -> {
                    h.exec(v3, "INSERT INTO bookings (building, room, starts) VALUES (3, 3, 100)");
                    assertEquals(java.util.Arrays.asList(null, null),
                            h.query(v2, "SELECT building, room FROM bookings WHERE starts = 100").get(0));
                    h.assertFails("23503", v2, "INSERT INTO bookings (building, room) VALUES (3, 3)");
                    h.exec(v3, "DELETE FROM bookings WHERE starts = 100");
                },
                x -> assertEquals("f t f f {building,room}", db.constraint("bookings", "bookings_room_fk")),
                x -> {
                    assertEquals(List.of(), db.constraints("bookings", "f"));
                    h.exec(v3, "INSERT INTO bookings (building, room) VALUES (3, 3)");
                });
    }
}
