package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.ColumnSql;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Duplication;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Adds a column. At start it is added under a hidden name (only the new version's view shows it) with its
 * constraints NOT VALID, NOT NULL stood in for by a NOT VALID check, and existing rows filled from {@code up} by a
 * trigger and a batched backfill. Complete gives it its name and makes the constraints real.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") Column column,
        @JsonProperty("up") String up) implements Operation {

    private static final Set<String> SERIAL_TYPES = Set.of("smallserial", "serial", "bigserial", "serial2",
            "serial4", "serial8");

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        ctx.requireIdentifier("column.name", column.name());
        ctx.requireColumnAbsent("column.name", t, column.name());
        if (column.pk()) {
            throw ctx.error("column.pk", "adding primary key columns is not supported");
        }
        if (column.generated() != null) {
            throw ctx.error("column.generated", "adding generated columns to existing tables is not supported");
        }
        ColumnValidation.validate(ctx, "column", column, null);
        boolean serial = SERIAL_TYPES.contains(column.type().strip().toLowerCase(Locale.ROOT));
        if (!column.nullable() && column.defaultValue() == null && !serial && blank(up)) {
            throw ctx.error("up", "field \"up\" is required: column \"" + column.name()
                    + "\" is NOT NULL without a default, so existing rows need a value");
        }
        if (column.defaultValue() != null && !ctx.catalog().isConstantDefault(column.type(), column.defaultValue())
                && !column.defaultValue().equals(up)) {
            throw ctx.error("up", "volatile default expression for column \"" + column.name()
                    + "\"; \"up\" must be equal to \"default\"");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private boolean constantDefault(PlanContext ctx) {
        return column.defaultValue() != null && ctx.catalog().isConstantDefault(column.type(), column.defaultValue());
    }

    @Override
    public void start(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        String hidden = Names.newColumn(column.name());
        String tableSql = ctx.qualified(t.physicalName());
        boolean constantDefault = constantDefault(ctx);
        VersionColumns oldColumns = VersionColumns.of(t);

        List<String> statements = new ArrayList<>();
        StringBuilder add = new StringBuilder("ALTER TABLE ").append(tableSql).append(" ADD COLUMN ")
                .append(Sql.ident(hidden)).append(' ').append(column.type());
        if (constantDefault) {
            add.append(" DEFAULT ").append(column.defaultValue());
            if (!column.nullable()) {
                add.append(" NOT NULL");
            }
        }
        statements.add(add.toString());
        if (column.comment() != null) {
            statements.add("COMMENT ON COLUMN " + tableSql + "." + Sql.ident(hidden) + " IS "
                    + Sql.literal(column.comment()));
        }
        ctx.addFilledColumn(statements.toArray(String[]::new));
        String what = "column \"" + column.name() + "\" of table \"" + t.name() + "\"";
        ctx.derive(Derived.Kind.COLUMN, t.physicalName(), hidden, "the new " + what);
        // The trigger comes before the constraints, so that old clients' writes fill the column from then on.
        if (!blank(up)) {
            ctx.trigger(new TriggerSpec(Names.trigger(table, column.name()), t.physicalName(),
                    TriggerSpec.Direction.UP, column.name(), hidden, up, oldColumns));
        }
        statements.clear();
        if (!column.nullable() && !constantDefault) {
            statements.add(Duplication.notNullCheck(ctx, t, column.name(), hidden));
        }
        if (column.check() != null) {
            ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), column.check().name(), "the check constraint \""
                    + column.check().name() + "\"");
            statements.add("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(column.check().name())
                    + " CHECK (" + Sql.renameIdentifier(column.check().constraint(), column.name(), hidden) + ")"
                    + (column.check().noInherit() ? " NO INHERIT" : "") + " NOT VALID");
        }
        if (column.references() != null) {
            ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), column.references().name(), "the foreign key \""
                    + column.references().name() + "\"");
            statements.add("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(column.references().name())
                    + " FOREIGN KEY (" + Sql.ident(hidden) + ") "
                    + ColumnSql.references(column.references(), ctx.schema(), ctx) + " NOT VALID");
        }
        if (!statements.isEmpty()) {
            ctx.sql(statements.toArray(String[]::new));
        }
        if (column.unique()) {
            String index = Sql.qualified(ctx.targetSchema(), Names.uniqueIndex(column.name()));
            String constraint = Names.uniqueConstraint(table, column.name());
            ctx.derive(Derived.Kind.RELATION, null, Names.uniqueIndex(column.name()),
                    "the unique index of the new " + what);
            ctx.derive(Derived.Kind.RELATION, null, constraint, "the unique index of " + what + " after complete");
            ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), constraint, "the unique constraint of " + what);
            ctx.outsideTransaction("CREATE UNIQUE INDEX CONCURRENTLY "
                            + Sql.ident(Names.uniqueIndex(column.name())) + " ON " + tableSql + " (" + Sql.ident(hidden) + ")",
                    "DROP INDEX CONCURRENTLY IF EXISTS " + index);
        }
        if (column.references() != null) {
            ctx.afterBackfill("ALTER TABLE " + tableSql + " VALIDATE CONSTRAINT " + Sql.ident(column.references().name()));
        }
        t.addColumn(new io.pgroll.core.schema.Column(column.name(), hidden, column.type(), column.defaultValue(),
                column.nullable(), column.unique(), column.comment(), null));
    }

    @Override
    public void complete(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        String tableSql = ctx.qualified(t.physicalName());
        String name = Sql.ident(column.name());
        List<String> statements = new ArrayList<>();
        statements.add("ALTER TABLE " + tableSql + " RENAME COLUMN " + Sql.ident(Names.newColumn(column.name()))
                + " TO " + name);
        if (!blank(up)) {
            statements.add(dropTriggerFunction(ctx));
        }
        boolean constantDefault = constantDefault(ctx);
        if (constantDefault && !column.nullable()) {
            // PostgreSQL 18 named the hidden column's NOT NULL constraint after it; give it the name it would have had
            statements.add(Duplication.renameConstraintIfExists(tableSql,
                    Names.notNullConstraint(t.physicalName(), Names.newColumn(column.name())),
                    Names.notNullConstraint(t.physicalName(), column.name())));
        }
        if (column.defaultValue() != null && !constantDefault) {
            statements.add("ALTER TABLE " + tableSql + " ALTER COLUMN " + name + " SET DEFAULT " + column.defaultValue());
        }
        ctx.sql(statements.toArray(String[]::new));
        // Validation scans the table under a lock that lets reads and writes go on, so it gets its own transaction.
        if (!column.nullable() && !constantDefault) {
            String check = Sql.ident(Names.notNullCheck(column.name()));
            ctx.sql("ALTER TABLE " + tableSql + " VALIDATE CONSTRAINT " + check);
            ctx.sql("ALTER TABLE " + tableSql + " ALTER COLUMN " + name + " SET NOT NULL",
                    "ALTER TABLE " + tableSql + " DROP CONSTRAINT " + check);
        }
        if (column.check() != null) {
            ctx.sql("ALTER TABLE " + tableSql + " VALIDATE CONSTRAINT " + Sql.ident(column.check().name()));
        }
        if (column.references() != null) {
            ctx.sql("ALTER TABLE " + tableSql + " VALIDATE CONSTRAINT " + Sql.ident(column.references().name()));
        }
        if (column.unique()) {
            ctx.sql("ALTER TABLE " + tableSql + " ADD CONSTRAINT " + Sql.ident(Names.uniqueConstraint(table, column.name()))
                    + " UNIQUE USING INDEX " + Sql.ident(Names.uniqueIndex(column.name())));
        }
        ctx.column(t, column.name()).ifPresent(c -> c.setPhysicalName(column.name()));
    }

    private String dropTriggerFunction(PlanContext ctx) {
        return "DROP FUNCTION IF EXISTS " + Sql.qualified(ctx.targetSchema(), Names.trigger(table, column.name()))
                + "() CASCADE";
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> {
            ctx.dropping(Dropped.column(t.physicalName(), Names.newColumn(column.name())));
            ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName()) + " DROP COLUMN IF EXISTS "
                    + Sql.ident(Names.newColumn(column.name())), dropTriggerFunction(ctx));
            t.removeColumn(column.name());
        });
    }
}
