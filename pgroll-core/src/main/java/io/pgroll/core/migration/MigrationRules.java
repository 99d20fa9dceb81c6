package io.pgroll.core.migration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file-level rules of the migration format that the record types alone do not express: which fields are
 * required, which string fields take one of a fixed set of values, and the few cross-field constraints.
 * Checks return a problem description, or null when the value is fine.
 */
final class MigrationRules {

    /** A fixed set of values for a string field. */
    record Allowed(List<String> values, boolean ignoreCase) {
        boolean accepts(String value) {
            return values.stream().anyMatch(v -> ignoreCase ? v.equalsIgnoreCase(value) : v.equals(value));
        }

        String problem(String value) {
            return "invalid value \"" + value + "\", expected one of: " + String.join(", ", values)
                    + (ignoreCase ? " (case-insensitive)" : "");
        }
    }

    private static final Allowed FK_ACTIONS =
            new Allowed(List.of("NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"), true);
    private static final Allowed MATCH_TYPES = new Allowed(List.of("SIMPLE", "FULL", "PARTIAL"), true);

    /** The rules of one record type. */
    private static final class Rules {
        final Set<String> required;
        final Map<String, Allowed> allowed = new HashMap<>();
        /** Required strings for which an empty string still counts as present. */
        Set<String> emptyAllowed = Set.of();

        Rules(String... required) {
            this.required = Set.of(required);
        }

        Rules oneOf(String field, boolean ignoreCase, String... values) {
            allowed.put(field, new Allowed(List.of(values), ignoreCase));
            return this;
        }

        Rules oneOf(String field, Allowed values) {
            allowed.put(field, values);
            return this;
        }

        Rules emptyAllowed(String... fields) {
            emptyAllowed = Set.of(fields);
            return this;
        }
    }

    private static final Map<Class<?>, Rules> RULES = Map.ofEntries(
            Map.entry(CreateTable.class, new Rules("name", "columns")),
            Map.entry(RenameTable.class, new Rules("from", "to")),
            Map.entry(RenameColumn.class, new Rules("table", "from", "to")),
            Map.entry(DropTable.class, new Rules("name")),
            Map.entry(AddColumn.class, new Rules("table", "column")),
            Map.entry(DropColumn.class, new Rules("table", "column")),
            Map.entry(AlterColumn.class, new Rules("table", "column")),
            Map.entry(AlterColumn.UniqueConstraint.class, new Rules("name")),
            Map.entry(CreateIndex.class, new Rules("name", "table", "columns")
                    .oneOf("method", false, "btree", "hash", "gist", "spgist", "gin", "brin")),
            Map.entry(DropIndex.class, new Rules("name")),
            Map.entry(RenameConstraint.class, new Rules("table", "from", "to")),
            Map.entry(DropConstraint.class, new Rules("table", "name", "down")),
            Map.entry(SetReplicaIdentity.class, new Rules("table", "identity")),
            Map.entry(SetReplicaIdentity.Identity.class, new Rules("type")
                    .oneOf("type", true, "nothing", "default", "index", "full")),
            Map.entry(DropMultiColumnConstraint.class, new Rules("table", "name", "down")),
            // pgroll baseline writes a sql operation with an empty up; such files must stay readable
            Map.entry(RawSql.class, new Rules("up").emptyAllowed("up")),
            Map.entry(CreateConstraint.class, new Rules("table", "name", "type", "up", "down")
                    .oneOf("type", false, "unique", "check", "foreign_key", "primary_key")),
            Map.entry(Column.class, new Rules("name", "type")),
            Map.entry(CheckConstraint.class, new Rules("name", "constraint")),
            Map.entry(ForeignKeyReference.class, new Rules("name", "table", "column")
                    .oneOf("on_delete", FK_ACTIONS).oneOf("on_update", FK_ACTIONS).oneOf("match_type", MATCH_TYPES)),
            Map.entry(TableForeignKeyReference.class, new Rules("table", "columns")
                    .oneOf("on_delete", FK_ACTIONS).oneOf("on_update", FK_ACTIONS).oneOf("match_type", MATCH_TYPES)),
            Map.entry(Constraint.class, new Rules("name", "type")
                    .oneOf("type", false, "unique", "check", "primary_key", "foreign_key", "exclude")),
            Map.entry(IndexField.class, new Rules("column")
                    .oneOf("sort", true, "ASC", "DESC").oneOf("nulls", true, "FIRST", "LAST")),
            Map.entry(ColumnGenerated.Identity.class, new Rules()
                    .oneOf("user_specified_values", true, "ALWAYS", "BY DEFAULT")));

    private static final Rules NONE = new Rules();

    private MigrationRules() {
    }

    /** Checks one bound field value (null when absent) of a record of the given type. */
    static String checkField(Class<?> recordType, String field, Object value) {
        Rules rules = RULES.getOrDefault(recordType, NONE);
        if (rules.required.contains(field)) {
            boolean empty = value instanceof String s && s.isEmpty() && !rules.emptyAllowed.contains(field);
            if (value == null || empty) {
                return "required";
            }
        }
        Allowed allowed = rules.allowed.get(field);
        if (allowed != null && value instanceof String s && !allowed.accepts(s)) {
            return allowed.problem(s);
        }
        return null;
    }

    /** Checks constraints between the fields of a bound record. */
    static String checkRecord(Object record) {
        if (record instanceof ColumnGenerated g && g.expression() != null && g.identity() != null) {
            return "expression and identity are mutually exclusive";
        }
        if (record instanceof RawSql sql && sql.onComplete() && sql.down() != null && !sql.down().isEmpty()) {
            return "down is not allowed with onComplete";
        }
        return null;
    }
}
