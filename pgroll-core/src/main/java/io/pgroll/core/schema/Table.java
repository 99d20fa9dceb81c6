package io.pgroll.core.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A table of the virtual schema: its version-visible name, the physical table behind it, and its columns. */
public final class Table {
    private String name;
    private String physicalName;
    private String comment;
    private boolean deleted;
    private final Map<String, Column> columns = new LinkedHashMap<>();
    private List<String> primaryKey;
    private final Map<String, Constraints.Index> indexes = new LinkedHashMap<>();
    private final Map<String, Constraints.Check> checks = new LinkedHashMap<>();
    private final Map<String, Constraints.Unique> uniques = new LinkedHashMap<>();
    private final Map<String, Constraints.ForeignKey> foreignKeys = new LinkedHashMap<>();
    private final Map<String, Constraints.Exclude> excludes = new LinkedHashMap<>();

    public Table(String name, String physicalName, String comment, List<String> primaryKey) {
        this.name = name;
        this.physicalName = physicalName;
        this.comment = comment;
        this.primaryKey = List.copyOf(primaryKey);
    }

    public Table copy() {
        Table t = new Table(name, physicalName, comment, primaryKey);
        t.deleted = deleted;
        columns.forEach((k, c) -> t.columns.put(k, c.copy()));
        t.indexes.putAll(indexes);
        t.checks.putAll(checks);
        t.uniques.putAll(uniques);
        t.foreignKeys.putAll(foreignKeys);
        t.excludes.putAll(excludes);
        return t;
    }

    public String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    public String physicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName;
    }

    public String comment() {
        return comment;
    }

    public boolean deleted() {
        return deleted;
    }

    void setDeleted(boolean deleted) {
        this.deleted = deleted;
    }

    /** The visible (not deleted) column with this virtual name. */
    public Optional<Column> column(String virtualName) {
        Column c = columns.get(virtualName);
        return c == null || c.deleted() ? Optional.empty() : Optional.of(c);
    }

    /** Every column including those marked deleted, in insertion order. */
    public Collection<Column> allColumns() {
        return columns.values();
    }

    public List<Column> visibleColumns() {
        return columns.values().stream().filter(c -> !c.deleted()).toList();
    }

    public void addColumn(Column column) {
        columns.put(column.name(), column);
    }

    public void removeColumn(String virtualName) {
        columns.remove(virtualName);
    }

    /** Renames a column in the virtual schema, including the column lists of keys, indexes and constraints. */
    public void renameColumn(String from, String to) {
        Map<String, Column> reordered = new LinkedHashMap<>();
        columns.forEach((k, c) -> {
            if (k.equals(from)) {
                c.rename(to);
                reordered.put(to, c);
            } else {
                reordered.put(k, c);
            }
        });
        columns.clear();
        columns.putAll(reordered);
        UnaryOperator<List<String>> swap = list -> list.stream().map(n -> n.equals(from) ? to : n).toList();
        primaryKey = swap.apply(primaryKey);
        indexes.replaceAll((k, i) -> new Constraints.Index(i.name(), i.unique(), i.exclusion(), swap.apply(i.columns()),
                i.predicate(), i.method(), i.definition()));
        checks.replaceAll((k, c) -> new Constraints.Check(c.name(), swap.apply(c.columns()), c.definition(), c.noInherit()));
        uniques.replaceAll((k, u) -> new Constraints.Unique(u.name(), swap.apply(u.columns())));
        foreignKeys.replaceAll((k, f) -> new Constraints.ForeignKey(f.name(), swap.apply(f.columns()),
                f.referencedTable(), f.referencedColumns(), f.matchType(), f.onDelete(), f.onUpdate()));
        excludes.replaceAll((k, e) -> new Constraints.Exclude(e.name(), swap.apply(e.columns()), e.definition(),
                e.predicate(), e.method()));
    }

    public List<String> primaryKey() {
        return primaryKey;
    }

    public void setPrimaryKey(List<String> primaryKey) {
        this.primaryKey = List.copyOf(primaryKey);
    }

    public Map<String, Constraints.Index> indexes() {
        return indexes;
    }

    public Map<String, Constraints.Check> checks() {
        return checks;
    }

    public Map<String, Constraints.Unique> uniques() {
        return uniques;
    }

    public Map<String, Constraints.ForeignKey> foreignKeys() {
        return foreignKeys;
    }

    public Map<String, Constraints.Exclude> excludes() {
        return excludes;
    }

    /** Whether a check, unique or foreign key constraint of this name exists (the kinds pgroll can rename or drop). */
    public boolean hasConstraint(String constraintName) {
        return checks.containsKey(constraintName) || uniques.containsKey(constraintName)
                || foreignKeys.containsKey(constraintName);
    }

    /** Every constraint name of the table, for uniqueness checks. */
    public List<String> constraintNames() {
        List<String> names = new ArrayList<>(checks.keySet());
        names.addAll(uniques.keySet());
        names.addAll(foreignKeys.keySet());
        names.addAll(excludes.keySet());
        return names;
    }

    /** Re-keys a constraint after a rename (its kind is kept). */
    public void renameConstraint(String from, String to) {
        Constraints.Check c = checks.remove(from);
        if (c != null) {
            checks.put(to, new Constraints.Check(to, c.columns(), c.definition(), c.noInherit()));
        }
        Constraints.Unique u = uniques.remove(from);
        if (u != null) {
            uniques.put(to, new Constraints.Unique(to, u.columns()));
        }
        Constraints.ForeignKey f = foreignKeys.remove(from);
        if (f != null) {
            foreignKeys.put(to, new Constraints.ForeignKey(to, f.columns(), f.referencedTable(),
                    f.referencedColumns(), f.matchType(), f.onDelete(), f.onUpdate()));
        }
    }
}
