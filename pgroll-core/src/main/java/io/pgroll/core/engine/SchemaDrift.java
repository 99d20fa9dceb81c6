package io.pgroll.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changed in a schema outside pgroll: the differences between the {@code read_schema} JSON the last migration
 * left and the live one, table by table. Found this way, it works where event triggers cannot be installed to record
 * inferred migrations (managed services, owner roles).
 */
final class SchemaDrift {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COLUMN_PROPERTIES = List.of("type", "nullable", "default");
    /** The kinds of a table's objects in read_schema, with what a user calls one of them, in the order listed. */
    private static final List<Map.Entry<String, String>> TABLE_OBJECTS = List.of(Map.entry("indexes", "index"),
            Map.entry("checkConstraints", "check constraint"), Map.entry("uniqueConstraints", "unique constraint"),
            Map.entry("foreignKeys", "foreign key"), Map.entry("excludeConstraints", "exclusion constraint"));

    private SchemaDrift() {
    }

    /** One line per difference, e.g. {@code column "note" added to table "items"}; empty when none. */
    static List<String> between(String recordedJson, String liveJson) {
        List<String> drift = new ArrayList<>();
        compare("table", tables(recordedJson), tables(liveJson), null, drift, (table, was, is) -> {
            compare("column", was.path("columns"), is.path("columns"), table, drift, (column, before, after) -> {
                for (String property : COLUMN_PROPERTIES) {
                    if (!before.path(property).equals(after.path(property))) {
                        drift.add("column \"" + column + "\" of table \"" + table + "\": " + property + " "
                                + text(before.path(property)) + " -> " + text(after.path(property)));
                    }
                }
            });
            for (Map.Entry<String, String> kind : TABLE_OBJECTS) {
                compare(kind.getValue(), was.path(kind.getKey()), is.path(kind.getKey()), table, drift,
                        (name, before, after) -> { });
            }
        });
        return drift;
    }

    private interface InBoth {
        void compare(String name, JsonNode was, JsonNode is);
    }

    /**
     * Walks the names of two JSON objects in order: one only {@code is} has was added, one only {@code was} has was
     * dropped (of {@code table}, when given), and one both have goes to {@code inBoth}.
     */
    private static void compare(String what, JsonNode was, JsonNode is, String table, List<String> drift,
                                InBoth inBoth) {
        Set<String> names = new TreeSet<>();
        was.fieldNames().forEachRemaining(names::add);
        is.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!was.has(name)) {
                drift.add(what + " \"" + name + "\" added" + (table == null ? "" : " to table \"" + table + "\""));
            } else if (!is.has(name)) {
                drift.add(what + " \"" + name + "\" dropped" + (table == null ? "" : " from table \"" + table + "\""));
            } else {
                inBoth.compare(name, was.get(name), is.get(name));
            }
        }
    }

    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "none" : value.isTextual() ? value.asText() : value.toString();
    }

    private static JsonNode tables(String readSchemaJson) {
        try {
            return JSON.readTree(readSchemaJson == null ? "{}" : readSchemaJson).path("tables");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("read_schema JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
