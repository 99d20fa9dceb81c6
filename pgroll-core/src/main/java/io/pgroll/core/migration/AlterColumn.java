package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.ColumnSql;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Duplication;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes a column: type, nullability, unique, check, foreign key, default, comment, alone or together. The new
 * version works on a hidden copy kept in step with the original by triggers ({@code up} fills the copy for old
 * clients' writes, {@code down} fills the original for new clients' writes) and backfilled; complete swaps it in.
 * A change of only default and/or comment, without {@code up} or {@code down}, needs no copy: the new version's view
 * carries the new default until complete applies both to the column.
 *
 * <p>{@code nullable} is a Boolean (absent: unchanged); {@code default}/{@code comment} are tri-state.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlterColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") String column,
        @JsonProperty("type") String type,
        @JsonProperty("nullable") Boolean nullable,
        @JsonProperty("unique") UniqueConstraint unique,
        @JsonProperty("check") CheckConstraint check,
        @JsonProperty("references") ForeignKeyReference references,
        @JsonProperty("default") TriState defaultValue,
        @JsonProperty("comment") TriState comment,
        @JsonProperty("up") String up,
        @JsonProperty("down") String down) implements Operation {

    /** {@code unique} of alter_column: the name of the unique constraint to add. */
    public record UniqueConstraint(@JsonProperty("name") String name) {
    }

    private boolean changesDefault() {
        return defaultValue != null && defaultValue.present();
    }

    private boolean changesComment() {
        return comment != null && comment.present();
    }

    /**
     * Whether old and new clients need separate columns: the change is visible to writers, or the migration says how
     * to rewrite the values ({@code up}/{@code down}, which pgroll applies to every row even for a default change).
     */
    private boolean needsCopy() {
        return changesWhatWritersSee() || !blank(up) || !blank(down);
    }

    private boolean changesWhatWritersSee() {
        return type != null || nullable != null || unique != null || check != null || references != null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        io.pgroll.core.schema.Column col = ctx.requireColumn("column", t, column);
        if (!changesWhatWritersSee() && !changesDefault() && !changesComment()) {
            throw ctx.error(null, "alter column \"" + column + "\" on table \"" + table + "\" requires at least one change");
        }
        if (type != null) {
            requireExpression(ctx, "up", up, "type");
            requireExpression(ctx, "down", down, "type");
        }
        if (check != null) {
            ctx.requireIdentifier("check.name", check.name());
            if (check.constraint() == null || check.constraint().isBlank()) {
                throw ctx.error("check.constraint", "required");
            }
            requireConstraintNameFree(ctx, t, "check.name", check.name());
            requireExpression(ctx, "up", up, "check");
            requireExpression(ctx, "down", down, "check");
        }
        if (references != null) {
            ctx.requireIdentifier("references.name", references.name());
            Table target = ctx.requireTable("references.table", references.table());
            ctx.requireColumn("references.column", target, references.column());
            requireConstraintNameFree(ctx, t, "references.name", references.name());
            requireExpression(ctx, "up", up, "references");
            requireExpression(ctx, "down", down, "references");
        }
        if (Boolean.FALSE.equals(nullable)) {
            if (!col.nullable()) {
                throw ctx.error("nullable", "column \"" + column + "\" on table \"" + table + "\" is NOT NULL");
            }
            requireExpression(ctx, "up", up, "nullable: false");
        }
        if (Boolean.TRUE.equals(nullable)) {
            if (col.nullable()) {
                throw ctx.error("nullable", "column \"" + column + "\" on table \"" + table + "\" is nullable");
            }
            requireExpression(ctx, "down", down, "nullable: true");
        }
        if (unique != null) {
            ctx.requireIdentifier("unique.name", unique.name());
            requireConstraintNameFree(ctx, t, "unique.name", unique.name());
            if (ctx.schema().tableWithIndex(unique.name()).isPresent()) {
                throw ctx.error("unique.name", "index \"" + unique.name() + "\" already exists");
            }
        }
    }

    private static void requireExpression(ValidationContext ctx, String field, String value, String change) {
        if (value == null || value.isBlank()) {
            throw ctx.error(field, "field \"" + field + "\" is required to change " + change);
        }
    }

    static void requireConstraintNameFree(ValidationContext ctx, Table t, String field, String name) {
        if (t.constraintNames().contains(name)) {
            throw ctx.error(field, "constraint \"" + name + "\" on table \"" + t.name() + "\" already exists");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        io.pgroll.core.schema.Column col = t.column(column).orElseThrow();
        if (!needsCopy()) {
            if (changesDefault()) {
                col.setDefaultValue(defaultValue.isNull() ? Duplication.nullDefault(col.type()) : defaultValue.value());
            }
            if (changesComment()) {
                col.setComment(comment.value());
            }
            return;
        }
        VersionColumns oldColumns = VersionColumns.of(t);
        Duplication.Copies copies = Duplication.start(ctx, t, List.of(column),
                type == null ? Map.of() : Map.of(column, type), null,
                Boolean.TRUE.equals(nullable) ? Set.of(column) : Set.of());
        String copy = col.physicalName();
        String tableSql = ctx.qualified(t.physicalName());
        SyncTriggers.sync(ctx, table, t, column, up, down, oldColumns, VersionColumns.of(t));
        Duplication.carryOver(ctx, copies);

        List<String> statements = new ArrayList<>();
        if (check != null) {
            ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), check.name(), "the check constraint \"" + check.name()
                    + "\"");
            statements.add("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(check.name()) + " CHECK ("
                    + Sql.renameIdentifier(check.constraint(), column, copy) + ")" + (check.noInherit() ? " NO INHERIT" : "")
                    + " NOT VALID");
            t.checks().put(check.name(), new Constraints.Check(check.name(), List.of(column), check.constraint(),
                    check.noInherit()));
        }
        if (references != null) {
            ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), references.name(), "the foreign key \""
                    + references.name() + "\"");
            statements.add("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(references.name())
                    + " FOREIGN KEY (" + Sql.ident(copy) + ") " + ColumnSql.references(references, ctx.schema(), ctx)
                    + " NOT VALID");
            t.foreignKeys().put(references.name(), new Constraints.ForeignKey(references.name(), List.of(column),
                    references.table(), List.of(references.column()), references.matchType(), references.onDelete(),
                    references.onUpdate()));
        }
        if (Boolean.FALSE.equals(nullable)) {
            statements.add(Duplication.notNullCheck(ctx, t, column, copy));
            col.setNullable(false);
        }
        if (changesDefault()) {
            statements.add("ALTER TABLE " + tableSql + " ALTER COLUMN " + Sql.ident(copy)
                    + (defaultValue.isNull() ? " DROP DEFAULT" : " SET DEFAULT " + defaultValue.value()));
            col.setDefaultValue(defaultValue.value());
        }
        if (changesComment()) {
            statements.add("COMMENT ON COLUMN " + tableSql + "." + Sql.ident(copy) + " IS " + Sql.literal(comment.value()));
            col.setComment(comment.value());
        }
        if (!statements.isEmpty()) {
            ctx.sql(statements.toArray(String[]::new));
        }
        if (unique != null) {
            ctx.derive(Derived.Kind.RELATION, null, unique.name(), "the unique index \"" + unique.name() + "\"");
            ctx.outsideTransaction("CREATE UNIQUE INDEX CONCURRENTLY " + Sql.ident(unique.name()) + " ON "
                    + tableSql + " (" + Sql.ident(copy) + ")",
                    "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), unique.name()));
            t.indexes().put(unique.name(), new Constraints.Index(unique.name(), true, false, List.of(column), null,
                    "btree", null));
            col.setUnique(true);
        }
        Duplication.validateForeignKeys(ctx, t, List.of(column));
    }

    @Override
    public void complete(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        String tableSql = ctx.qualified(t.physicalName());
        if (!needsCopy()) {
            List<String> statements = new ArrayList<>();
            if (changesDefault()) {
                statements.add("ALTER TABLE " + tableSql + " ALTER COLUMN " + Sql.ident(column)
                        + (defaultValue.isNull() ? " DROP DEFAULT" : " SET DEFAULT " + defaultValue.value()));
                ctx.column(t, column).ifPresent(c -> c.setDefaultValue(defaultValue.value()));
            }
            if (changesComment()) {
                statements.add("COMMENT ON COLUMN " + tableSql + "." + Sql.ident(column) + " IS "
                        + Sql.literal(comment.value()));
            }
            ctx.sql(statements.toArray(String[]::new));
            return;
        }
        // An earlier change of the same column in this migration may already have swapped the copy in; this
        // change's own unique index still has to become a constraint.
        if (Names.newColumn(column).equals(ctx.column(t, column).map(io.pgroll.core.schema.Column::physicalName).orElse(null))) {
            Duplication.complete(ctx, t, List.of(column), SyncTriggers.dropAll(ctx, table, List.of(column)));
        }
        if (unique != null) {
            ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(unique.name()) + " UNIQUE USING INDEX "
                    + Sql.ident(unique.name()));
        }
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> {
            if (needsCopy()) {
                Duplication.rollback(ctx, t, List.of(column), SyncTriggers.dropAll(ctx, table, List.of(column)));
            }
        });
    }
}
