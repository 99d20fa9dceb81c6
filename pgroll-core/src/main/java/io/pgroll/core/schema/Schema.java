package io.pgroll.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgroll.core.PgRollException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The virtual schema one version of the database presents: tables and columns by the names clients use, each
 * mapped to the physical object behind it. Built from the JSON of the state schema's {@code read_schema()}.
 */
public final class Schema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    public Schema(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Schema copy() {
        Schema s = new Schema(name);
        tables.forEach((k, t) -> s.tables.put(k, t.copy()));
        return s;
    }

    /** The visible (not deleted) table with this virtual name. */
    public Optional<Table> table(String virtualName) {
        Table t = tables.get(virtualName);
        return t == null || t.deleted() ? Optional.empty() : Optional.of(t);
    }

    public List<Table> visibleTables() {
        return tables.values().stream().filter(t -> !t.deleted()).toList();
    }

    public Collection<Table> allTables() {
        return tables.values();
    }

    public void addTable(Table table) {
        tables.put(table.name(), table);
    }

    public void removeTable(String virtualName) {
        tables.remove(virtualName);
    }

    public void markTableDeleted(String virtualName) {
        table(virtualName).ifPresent(t -> t.setDeleted(true));
    }

    public void renameTable(String from, String to) {
        Map<String, Table> reordered = new LinkedHashMap<>();
        tables.forEach((k, t) -> {
            if (k.equals(from) && !t.deleted()) {
                t.rename(to);
                reordered.put(to, t);
            } else if (!k.equals(to)) {
                reordered.put(k, t);
            }
        });
        tables.clear();
        tables.putAll(reordered);
    }

    /**
     * The visible tables and columns by their current names. Operations of a migration refer to tables and columns
     * by the names they have at that operation's place in the migration; a later rename changes the name but keeps
     * the object, so a snapshot taken at that place still finds it.
     */
    public NameSnapshot snapshotNames() {
        Map<String, Table> byName = new LinkedHashMap<>();
        Map<Table, Map<String, Column>> columns = new java.util.IdentityHashMap<>();
        for (Table t : visibleTables()) {
            byName.put(t.name(), t);
            Map<String, Column> cols = new LinkedHashMap<>();
            t.allColumns().forEach(c -> cols.put(c.name(), c));
            columns.put(t, cols);
        }
        return new NameSnapshot(byName, columns);
    }

    /** See {@link #snapshotNames()}. */
    public record NameSnapshot(Map<String, Table> tables, Map<Table, Map<String, Column>> columns) {
    }

    /** The visible table that owns an index of this name, if any. */
    public Optional<Table> tableWithIndex(String indexName) {
        return visibleTables().stream().filter(t -> t.indexes().containsKey(indexName)).findFirst();
    }

    /** Parses the JSON produced by {@code read_schema()} (also stored as a migration's resulting schema). */
    public static Schema fromJson(String schemaName, String json) {
        Schema schema = new Schema(schemaName);
        if (json == null || json.isBlank()) {
            return schema;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PgRollException("stored schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        for (JsonNode t : iterable(root.path("tables"))) {
            String tableName = t.path("name").asText();
            Table table = new Table(tableName, tableName, text(t, "comment"), strings(t.path("primaryKey")));
            for (JsonNode c : iterable(t.path("columns"))) {
                String columnName = c.path("name").asText();
                table.addColumn(new Column(columnName, columnName, c.path("type").asText(), text(c, "default"),
                        c.path("nullable").asBoolean(true), c.path("unique").asBoolean(false), text(c, "comment"),
                        strings(c.path("enumValues"))));
            }
            putAll(table.indexes(), t.path("indexes"), i -> new Constraints.Index(i.path("name").asText(),
                    i.path("unique").asBoolean(), i.path("exclusion").asBoolean(), strings(i.path("columns")),
                    text(i, "predicate"), text(i, "method"), text(i, "definition")));
            putAll(table.checks(), t.path("checkConstraints"), c -> new Constraints.Check(c.path("name").asText(),
                    strings(c.path("columns")), text(c, "definition"), c.path("noInherit").asBoolean()));
            putAll(table.uniques(), t.path("uniqueConstraints"), u -> new Constraints.Unique(u.path("name").asText(),
                    strings(u.path("columns"))));
            putAll(table.foreignKeys(), t.path("foreignKeys"), f -> new Constraints.ForeignKey(
                    f.path("name").asText(), strings(f.path("columns")), text(f, "referencedTable"),
                    strings(f.path("referencedColumns")), text(f, "matchType"), text(f, "onDelete"),
                    text(f, "onUpdate")));
            putAll(table.excludes(), t.path("excludeConstraints"), e -> new Constraints.Exclude(
                    e.path("name").asText(), strings(e.path("columns")), text(e, "definition"), text(e, "predicate"),
                    text(e, "method")));
            schema.addTable(table);
        }
        return schema;
    }

    private static <T extends Constraints.Named> void putAll(Map<String, T> target, JsonNode node,
                                                             Function<JsonNode, T> parse) {
        for (JsonNode n : iterable(node)) {
            T item = parse.apply(n);
            target.put(item.name(), item);
        }
    }

    private static Iterable<JsonNode> iterable(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        node.elements().forEachRemaining(items::add);
        return items;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.elements().forEachRemaining(n -> out.add(n.asText()));
        return out;
    }
}
