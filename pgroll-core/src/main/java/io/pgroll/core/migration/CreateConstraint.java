package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.ColumnSql;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Duplication;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Adds a unique, check, foreign key or primary key constraint over one or more columns. The new version gets hidden
 * copies of the columns with the constraint (NOT VALID, or a concurrently built index), filled through {@code up}
 * and {@code down} per column; complete validates it and swaps the copies in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("check") String check,
        @JsonProperty("no_inherit") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noInherit,
        @JsonProperty("references") TableForeignKeyReference references,
        @JsonProperty("index_parameters") IndexParameters indexParameters,
        @JsonProperty("up") Map<String, String> up,
        @JsonProperty("down") Map<String, String> down) implements Operation {

    private String kind() {
        return type.toLowerCase(Locale.ROOT);
    }

    private List<String> columnList() {
        return columns == null ? List.of() : columns;
    }

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        ctx.requireIdentifier("name", name);
        AlterColumn.requireConstraintNameFree(ctx, t, "name", name);
        if (ctx.schema().tableWithIndex(name).isPresent()) {
            throw ctx.error("name", "index \"" + name + "\" already exists");
        }
        if (columnList().isEmpty()) {
            throw ctx.error("columns", "required");
        }
        for (int i = 0; i < columnList().size(); i++) {
            String c = columnList().get(i);
            ctx.requireColumn("columns[" + i + "]", t, c);
            if (up == null || !up.containsKey(c)) {
                throw ctx.error("up", "migration for column \"" + c + "\" in \"" + table + "\" is missing");
            }
            if (down == null || !down.containsKey(c)) {
                throw ctx.error("down", "migration for column \"" + c + "\" in \"" + table + "\" is missing");
            }
        }
        switch (kind()) {
            case "check" -> {
                if (check == null || check.isBlank()) {
                    throw ctx.error("check", "required for a check constraint");
                }
            }
            case "foreign_key" -> {
                if (references == null) {
                    throw ctx.error("references", "required for a foreign key constraint");
                }
                Table target = ctx.requireTable("references.table", references.table());
                for (int i = 0; i < references.columns().size(); i++) {
                    ctx.requireColumn("references.columns[" + i + "]", target, references.columns().get(i));
                }
                if (references.columns().size() != columnList().size()) {
                    throw ctx.error("references.columns", "a foreign key needs as many referenced columns as columns");
                }
            }
            case "primary_key" -> {
                if (!t.primaryKey().isEmpty()) {
                    throw ctx.error("type", "table \"" + table + "\" already has a primary key");
                }
            }
            default -> {
                // unique: columns are all it needs
            }
        }
    }

    @Override
    public void start(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        VersionColumns oldColumns = VersionColumns.of(t);
        Duplication.Copies duplicated = Duplication.start(ctx, t, columnList(), Map.of(), null, Set.of());
        VersionColumns newColumns = VersionColumns.of(t);
        for (String c : columnList()) {
            SyncTriggers.sync(ctx, table, t, c, up.get(c), down.get(c), oldColumns, newColumns);
        }
        Duplication.carryOver(ctx, duplicated);
        String tableSql = ctx.qualified(t.physicalName());
        List<String> copies = columnList().stream().map(newColumns.physical()::get).toList();
        ctx.derive(kind().equals("unique") || kind().equals("primary_key") ? Derived.Kind.RELATION
                : Derived.Kind.CONSTRAINT, t.physicalName(), name, "the constraint \"" + name + "\"");
        switch (kind()) {
            case "unique", "primary_key" -> {
                if (kind().equals("primary_key")) {
                    List<String> notNull = new ArrayList<>();
                    for (String c : columnList()) {
                        io.pgroll.core.schema.Column col = t.column(c).orElseThrow();
                        if (col.nullable()) {
                            notNull.add(Duplication.notNullCheck(ctx, t, c, col.physicalName()));
                            col.setNullable(false);
                        }
                    }
                    if (!notNull.isEmpty()) {
                        ctx.sql(notNull.toArray(String[]::new));
                    }
                }
                ctx.outsideTransaction("CREATE UNIQUE INDEX CONCURRENTLY " + Sql.ident(name) + " ON "
                                + tableSql + " (" + Sql.identList(copies) + ")" + includeAndStorage(),
                        "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), name));
                t.indexes().put(name, new Constraints.Index(name, true, false, columnList(), null, "btree", null));
            }
            case "check" -> {
                String expression = check;
                for (String c : columnList()) {
                    expression = Sql.renameIdentifier(expression, c, newColumns.physical().get(c));
                }
                ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(name) + " CHECK (" + expression + ")"
                        + (noInherit ? " NO INHERIT" : "") + " NOT VALID");
                t.checks().put(name, new Constraints.Check(name, columnList(), "CHECK (" + check + ")", noInherit));
            }
            case "foreign_key" -> {
                Table target = ctx.table(references.table()).orElseThrow();
                ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(name) + " FOREIGN KEY ("
                        + Sql.identList(copies) + ") REFERENCES " + ctx.qualified(target.physicalName()) + " ("
                        + Sql.identList(references.columns().stream()
                        .map(c -> target.column(c).orElseThrow().physicalName()).toList()) + ")"
                        + " MATCH " + ColumnSql.upper(references.matchType(), "SIMPLE")
                        + " ON DELETE " + ColumnSql.upper(references.onDelete(), "NO ACTION")
                        + " ON UPDATE " + ColumnSql.upper(references.onUpdate(), "NO ACTION") + " NOT VALID");
                t.foreignKeys().put(name, new Constraints.ForeignKey(name, columnList(), references.table(),
                        references.columns(), references.matchType(), references.onDelete(), references.onUpdate()));
            }
            default -> throw new IllegalStateException("unknown constraint type " + type);
        }
        Duplication.validateForeignKeys(ctx, t, columnList());
    }

    private String includeAndStorage() {
        if (indexParameters == null) {
            return "";
        }
        String sql = "";
        if (indexParameters.includeColumns() != null && !indexParameters.includeColumns().isEmpty()) {
            sql += " INCLUDE (" + Sql.identList(indexParameters.includeColumns()) + ")";
        }
        if (indexParameters.storageParameters() != null && !indexParameters.storageParameters().isBlank()) {
            sql += " WITH (" + indexParameters.storageParameters() + ")";
        }
        return sql;
    }

    @Override
    public void complete(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        Duplication.complete(ctx, t, columnList(), SyncTriggers.dropAll(ctx, table, columnList()));
        String tableSql = ctx.qualified(t.physicalName());
        if (kind().equals("unique")) {
            ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(name) + " UNIQUE USING INDEX "
                    + Sql.ident(name));
        } else if (kind().equals("primary_key")) {
            ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(name) + " PRIMARY KEY USING INDEX "
                    + Sql.ident(name));
            t.setPrimaryKey(columnList());
        }
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> Duplication.rollback(ctx, t, columnList(),
                SyncTriggers.dropAll(ctx, table, columnList())));
    }
}
