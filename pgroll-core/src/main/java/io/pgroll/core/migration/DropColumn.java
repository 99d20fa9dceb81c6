package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.schema.Table;

/**
 * Drops a column. At start it only disappears from the new version's view; {@code down} fills it for rows that
 * new-version clients write, so old clients keep seeing sensible values. Complete drops it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropColumn(
        @JsonProperty("table") String table,
        @JsonProperty("column") String column,
        @JsonProperty("down") String down) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        ctx.requireColumn("column", t, column);
    }

    @Override
    public void start(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        io.pgroll.core.schema.Column dropped = t.column(column).orElseThrow();
        dropped.setDeleted(true);
        if (down != null && !down.isBlank()) {
            ctx.trigger(new TriggerSpec(Names.trigger(table, column), t.physicalName(), TriggerSpec.Direction.DOWN,
                    column, dropped.physicalName(), down, VersionColumns.of(t)));
        }
    }

    @Override
    public void complete(PlanContext ctx) {
        // The table may have been renamed later in the migration; if it was dropped, only the function is left to do.
        ctx.table(table).ifPresent(t -> t.allColumns().stream()
                .filter(c -> c.name().equals(column) && c.deleted()).findFirst().ifPresent(c -> {
                    ctx.dropping(Dropped.column(t.physicalName(), c.physicalName()));
                    ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName()) + " DROP COLUMN IF EXISTS "
                            + Sql.ident(c.physicalName()));
                    t.removeColumn(column);
                }));
        ctx.sql(dropTriggerFunction(ctx));
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.sql(dropTriggerFunction(ctx));
    }

    private String dropTriggerFunction(PlanContext ctx) {
        return "DROP FUNCTION IF EXISTS " + Sql.qualified(ctx.targetSchema(), Names.trigger(table, column))
                + "() CASCADE";
    }
}
