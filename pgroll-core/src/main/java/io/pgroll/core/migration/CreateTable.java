package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.ColumnSql;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code create_table}: a new table with its columns and table constraints; the new version gets a view of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateTable(
        @JsonProperty("name") String name,
        @JsonProperty("columns") List<Column> columns,
        @JsonProperty("constraints") List<Constraint> constraints,
        @JsonProperty("comment") String comment) implements Operation {

    private static final Set<String> ON_DELETE_SET = Set.of("SET NULL", "SET DEFAULT");

    @Override
    public void validate(ValidationContext ctx) {
        ctx.requireIdentifier("name", name);
        ctx.requireTableAbsent("name", name);
        // A table renamed earlier in this migration keeps its old name physically until complete, so CREATE TABLE
        // would fail at start, and undoing that start would drop the renamed table.
        ctx.schema().visibleTables().stream().filter(t -> t.physicalName().equals(name)).findFirst().ifPresent(t -> {
            throw ctx.error("name", "table \"" + name + "\" already exists: it is renamed to \"" + t.name()
                    + "\" only when the migration completes");
        });
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String field = "columns[" + i + "]";
            ctx.requireIdentifier(field + ".name", c.name());
            if (seen.contains(c.name())) {
                throw ctx.error(field + ".name", "column \"" + c.name() + "\" is defined more than once");
            }
            seen.add(c.name());
            ColumnValidation.validate(ctx, field, c, this);
        }
        boolean columnPk = columns.stream().anyMatch(Column::pk);
        List<Constraint> tableConstraints = constraints == null ? List.of() : constraints;
        for (int i = 0; i < tableConstraints.size(); i++) {
            validateConstraint(ctx, "constraints[" + i + "]", tableConstraints.get(i), seen, columnPk);
        }
    }

    private void validateConstraint(ValidationContext ctx, String field, Constraint c, List<String> columnNames,
                                    boolean columnPk) {
        ctx.requireIdentifier(field + ".name", c.name());
        String type = c.type().toLowerCase(Locale.ROOT);
        List<String> cols = c.columns() == null ? List.of() : c.columns();
        for (int j = 0; j < cols.size(); j++) {
            if (!columnNames.contains(cols.get(j))) {
                throw ctx.error(field + ".columns[" + j + "]", "column \"" + cols.get(j)
                        + "\" does not exist on table \"" + name + "\"");
            }
        }
        switch (type) {
            case "unique" -> requireColumns(ctx, field, cols);
            case "check" -> {
                if (c.check() == null || c.check().isBlank()) {
                    throw ctx.error(field + ".check", "required for a check constraint");
                }
                if (c.deferrable() || c.initiallyDeferred() || c.indexParameters() != null || c.nullsNotDistinct()) {
                    throw ctx.error(field, "check constraints cannot be deferrable or have index parameters or "
                            + "nulls_not_distinct");
                }
            }
            case "primary_key" -> {
                requireColumns(ctx, field, cols);
                if (columnPk) {
                    throw ctx.error(field, "table \"" + name + "\" already has a primary key configuration in "
                            + "columns list");
                }
            }
            case "foreign_key" -> {
                requireColumns(ctx, field, cols);
                TableForeignKeyReference ref = c.references();
                if (ref == null) {
                    throw ctx.error(field + ".references", "required for a foreign key constraint");
                }
                validateTableReference(ctx, field + ".references", ref, cols);
            }
            default -> {
                // exclude: the server checks the elements and method
            }
        }
    }

    private void validateTableReference(ValidationContext ctx, String field, TableForeignKeyReference ref,
                                        List<String> cols) {
        boolean selfReference = ref.table().equals(name);
        Table target = selfReference ? null : ctx.requireTable(field + ".table", ref.table());
        for (int j = 0; j < ref.columns().size(); j++) {
            String col = ref.columns().get(j);
            boolean exists = selfReference ? columns.stream().anyMatch(x -> x.name().equals(col))
                    : target.column(col).isPresent();
            if (!exists) {
                throw ctx.error(field + ".columns[" + j + "]", "column \"" + col + "\" does not exist on table \""
                        + ref.table() + "\"");
            }
        }
        if (ref.columns().size() != cols.size()) {
            throw ctx.error(field + ".columns", "a foreign key needs as many referenced columns (" + ref.columns().size()
                    + ") as columns (" + cols.size() + ")");
        }
        List<String> setColumns = ref.onDeleteSetColumns() == null ? List.of() : ref.onDeleteSetColumns();
        if (!setColumns.isEmpty()) {
            String action = ref.onDelete() == null ? "" : ref.onDelete().toUpperCase(Locale.ROOT);
            if (!ON_DELETE_SET.contains(action)) {
                throw ctx.error(field + ".on_delete_set_columns", "only allowed with on_delete SET NULL or SET DEFAULT");
            }
            for (String col : setColumns) {
                if (!cols.contains(col)) {
                    throw ctx.error(field + ".on_delete_set_columns", "column \"" + col
                            + "\" is not one of the foreign key's columns");
                }
            }
        }
    }

    private static void requireColumns(ValidationContext ctx, String field, List<String> cols) {
        if (cols.isEmpty()) {
            throw ctx.error(field + ".columns", "required");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        List<String> parts = new ArrayList<>();
        for (Column c : columns) {
            parts.add(ColumnSql.definition(c, ctx));
        }
        List<String> pk = columns.stream().filter(Column::pk).map(Column::name).toList();
        if (!pk.isEmpty()) {
            parts.add("PRIMARY KEY (" + Sql.identList(pk) + ")");
        }
        if (constraints != null) {
            constraints.forEach(c -> parts.add(constraintSql(c, ctx)));
        }
        List<String> statements = new ArrayList<>();
        statements.add("CREATE TABLE " + ctx.qualified(name) + " (\n  " + String.join(",\n  ", parts) + "\n)");
        for (Column c : columns) {
            if (c.comment() != null) {
                statements.add("COMMENT ON COLUMN " + ctx.qualified(name) + "." + Sql.ident(c.name()) + " IS "
                        + Sql.literal(c.comment()));
            }
        }
        if (comment != null) {
            statements.add("COMMENT ON TABLE " + ctx.qualified(name) + " IS " + Sql.literal(comment));
        }
        ctx.sql(statements.toArray(String[]::new));
        ctx.schema().addTable(virtualTable(pk));
    }

    private Table virtualTable(List<String> columnPk) {
        List<String> pk = columnPk;
        if (constraints != null) {
            pk = constraints.stream().filter(c -> c.type().equalsIgnoreCase("primary_key")).findFirst()
                    .map(Constraint::columns).orElse(columnPk);
        }
        Table table = new Table(name, name, comment, pk);
        for (Column c : columns) {
            boolean identity = c.generated() != null && c.generated().identity() != null;
            table.addColumn(new io.pgroll.core.schema.Column(c.name(), c.name(), c.type(), c.defaultValue(),
                    c.nullable() && !c.pk() && !identity, c.unique(), c.comment(), null));
            if (c.check() != null) {
                table.checks().put(c.check().name(), new Constraints.Check(c.check().name(), List.of(c.name()),
                        c.check().constraint(), c.check().noInherit()));
            }
            if (c.references() != null) {
                ForeignKeyReference r = c.references();
                table.foreignKeys().put(r.name(), new Constraints.ForeignKey(r.name(), List.of(c.name()), r.table(),
                        List.of(r.column()), r.matchType(), r.onDelete(), r.onUpdate()));
            }
        }
        if (constraints != null) {
            for (Constraint c : constraints) {
                List<String> cols = c.columns() == null ? List.of() : c.columns();
                switch (c.type().toLowerCase(Locale.ROOT)) {
                    case "unique" -> table.uniques().put(c.name(), new Constraints.Unique(c.name(), cols));
                    case "check" -> table.checks().put(c.name(), new Constraints.Check(c.name(), cols, c.check(),
                            c.noInherit()));
                    case "foreign_key" -> table.foreignKeys().put(c.name(), new Constraints.ForeignKey(c.name(), cols,
                            c.references().table(), c.references().columns(), c.references().matchType(),
                            c.references().onDelete(), c.references().onUpdate()));
                    case "exclude" -> table.excludes().put(c.name(), new Constraints.Exclude(c.name(), cols, null,
                            c.exclude() == null ? null : c.exclude().predicate(),
                            c.exclude() == null ? null : c.exclude().indexMethod()));
                    default -> {
                        // the primary key is recorded above
                    }
                }
            }
        }
        recordKeyIndexes(table, pk);
        return table;
    }

    /**
     * The indexes behind the new table's keys, so that later operations of the migration see their names taken
     * (create_index) or usable (set_replica_identity). Unnamed ones get PostgreSQL's default names.
     */
    private void recordKeyIndexes(Table table, List<String> pk) {
        if (!pk.isEmpty()) {
            String pkName = constraints == null ? null : constraints.stream()
                    .filter(c -> c.type().equalsIgnoreCase("primary_key")).map(Constraint::name).findFirst().orElse(null);
            addIndex(table, pkName == null ? name + "_pkey" : pkName, true, false, pk, null, null);
        }
        for (Column c : columns) {
            if (c.unique()) {
                addIndex(table, name + "_" + c.name() + "_key", true, false, List.of(c.name()), null, null);
            }
        }
        for (Constraint c : constraints == null ? List.<Constraint>of() : constraints) {
            List<String> cols = c.columns() == null ? List.of() : c.columns();
            switch (c.type().toLowerCase(Locale.ROOT)) {
                case "unique" -> addIndex(table, c.name(), true, false, cols, null, null);
                case "exclude" -> addIndex(table, c.name(), false, true, cols,
                        c.exclude() == null ? null : c.exclude().predicate(),
                        c.exclude() == null ? null : c.exclude().indexMethod());
                default -> {
                    // no index of its own
                }
            }
        }
    }

    private static void addIndex(Table table, String index, boolean unique, boolean exclusion, List<String> cols,
                                 String predicate, String method) {
        // an automatic name longer than an identifier would be shortened by the server: better not to guess it
        if (index.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= ValidationContext.MAX_IDENTIFIER_BYTES) {
            table.indexes().putIfAbsent(index, new Constraints.Index(index, unique, exclusion, cols, predicate,
                    method == null ? "btree" : method, null));
        }
    }

    private String constraintSql(Constraint c, PlanContext ctx) {
        List<String> cols = c.columns() == null ? List.of() : c.columns();
        StringBuilder sql = new StringBuilder("CONSTRAINT ").append(Sql.ident(c.name())).append(' ');
        switch (c.type().toLowerCase(Locale.ROOT)) {
            case "unique" -> {
                sql.append("UNIQUE ");
                if (c.nullsNotDistinct()) {
                    sql.append("NULLS NOT DISTINCT ");
                }
                sql.append('(').append(Sql.identList(cols)).append(')').append(indexParameters(c.indexParameters()));
            }
            case "check" -> {
                sql.append("CHECK (").append(c.check()).append(')');
                if (c.noInherit()) {
                    sql.append(" NO INHERIT");
                }
            }
            case "primary_key" -> sql.append("PRIMARY KEY (").append(Sql.identList(cols)).append(')')
                    .append(indexParameters(c.indexParameters()));
            case "foreign_key" -> {
                TableForeignKeyReference ref = c.references();
                String target = ref.table().equals(name) ? ctx.qualified(name)
                        : ctx.qualified(ctx.table(ref.table()).map(Table::physicalName).orElse(ref.table()));
                // referenced columns by their physical names: a rename_column earlier in the migration is not
                // physical until complete
                Table referenced = ref.table().equals(name) ? null : ctx.table(ref.table()).orElse(null);
                List<String> refColumns = referenced == null ? ref.columns() : ref.columns().stream()
                        .map(col -> referenced.column(col).map(io.pgroll.core.schema.Column::physicalName).orElse(col))
                        .toList();
                sql.append("FOREIGN KEY (").append(Sql.identList(cols)).append(") REFERENCES ").append(target)
                        .append(" (").append(Sql.identList(refColumns)).append(')')
                        .append(" MATCH ").append(ColumnSql.upper(ref.matchType(), "SIMPLE"))
                        .append(" ON DELETE ").append(ColumnSql.upper(ref.onDelete(), "NO ACTION"));
                if (ref.onDeleteSetColumns() != null && !ref.onDeleteSetColumns().isEmpty()) {
                    sql.append(" (").append(Sql.identList(ref.onDeleteSetColumns())).append(')');
                }
                sql.append(" ON UPDATE ").append(ColumnSql.upper(ref.onUpdate(), "NO ACTION"));
            }
            case "exclude" -> {
                Constraint.Exclude ex = c.exclude();
                sql.append("EXCLUDE USING ").append(ex == null || ex.indexMethod() == null ? "btree" : ex.indexMethod())
                        .append(" (").append(ex == null ? "" : ex.elements()).append(')')
                        .append(indexParameters(c.indexParameters()));
                if (ex != null && ex.predicate() != null && !ex.predicate().isBlank()) {
                    sql.append(" WHERE (").append(ex.predicate()).append(')');
                }
            }
            default -> throw new IllegalStateException("unknown constraint type " + c.type());
        }
        if (c.deferrable()) {
            sql.append(" DEFERRABLE INITIALLY ").append(c.initiallyDeferred() ? "DEFERRED" : "IMMEDIATE");
        }
        return sql.toString();
    }

    private static String indexParameters(IndexParameters p) {
        if (p == null) {
            return "";
        }
        StringBuilder sql = new StringBuilder();
        if (p.includeColumns() != null && !p.includeColumns().isEmpty()) {
            sql.append(" INCLUDE (").append(Sql.identList(p.includeColumns())).append(')');
        }
        if (p.storageParameters() != null && !p.storageParameters().isBlank()) {
            sql.append(" WITH (").append(p.storageParameters()).append(')');
        }
        if (p.tablespace() != null && !p.tablespace().isBlank()) {
            sql.append(" USING INDEX TABLESPACE ").append(Sql.ident(p.tablespace()));
        }
        return sql.toString();
    }

    @Override
    public void complete(PlanContext ctx) {
        // the table already has its final name and shape
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.dropping(Dropped.relation(name));
        ctx.sql("DROP TABLE IF EXISTS " + ctx.qualified(name));
        ctx.schema().removeTable(name);
    }
}
