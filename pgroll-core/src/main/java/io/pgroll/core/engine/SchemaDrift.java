package io.pgroll.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
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
    private static final List<String> TABLE_OBJECTS = List.of("indexes", "checkConstraints", "uniqueConstraints",
            "foreignKeys", "excludeConstraints");

    private SchemaDrift() {
    }

    /** One line per difference, e.g. {@code column "note" added to table "items"}; empty when none. */
    static List<String> between(String recordedJson, String liveJson) {
        JsonNode recorded = tables(recordedJson);
        JsonNode live = tables(liveJson);
        List<String> drift = new ArrayList<>();
        for (String table : union(recorded, live)) {
            JsonNode was = recorded.path(table);
            JsonNode is = live.path(table);
            if (was.isMissingNode()) {
                drift.add("table \"" + table + "\" added");
            } else if (is.isMissingNode()) {
                drift.add("table \"" + table + "\" dropped");
            } else {
                columns(table, was.path("columns"), is.path("columns"), drift);
                for (String kind : TABLE_OBJECTS) {
                    for (String name : union(was.path(kind), is.path(kind))) {
                        if (!was.path(kind).has(name) || !is.path(kind).has(name)) {
                            drift.add(label(kind) + " \"" + name + "\" " + (was.path(kind).has(name) ? "dropped from"
                                    : "added to") + " table \"" + table + "\"");
                        }
                    }
                }
            }
        }
        return drift;
    }

    private static void columns(String table, JsonNode was, JsonNode is, List<String> drift) {
        for (String column : union(was, is)) {
            String where = "column \"" + column + "\" of table \"" + table + "\"";
            if (!was.has(column)) {
                drift.add("column \"" + column + "\" added to table \"" + table + "\"");
            } else if (!is.has(column)) {
                drift.add("column \"" + column + "\" dropped from table \"" + table + "\"");
            } else {
                for (String property : COLUMN_PROPERTIES) {
                    JsonNode before = was.get(column).path(property);
                    JsonNode after = is.get(column).path(property);
                    if (!before.equals(after)) {
                        drift.add(where + ": " + property + " " + text(before) + " -> " + text(after));
                    }
                }
            }
        }
    }

    private static String label(String kind) {
        return switch (kind) {
            case "indexes" -> "index";
            case "checkConstraints" -> "check constraint";
            case "uniqueConstraints" -> "unique constraint";
            case "foreignKeys" -> "foreign key";
            default -> "exclusion constraint";
        };
    }

    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "none" : value.isTextual() ? value.asText() : value.toString();
    }

    private static Set<String> union(JsonNode a, JsonNode b) {
        Set<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode tables(String readSchemaJson) {
        try {
            return JSON.readTree(readSchemaJson == null ? "{}" : readSchemaJson).path("tables");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("read_schema JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
