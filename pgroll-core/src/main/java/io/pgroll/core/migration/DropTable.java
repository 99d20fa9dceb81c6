package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;

/**
 * Drops a table: start renames it out of the way (old clients keep reading it through their view, which is bound to
 * the table, not its name), complete drops it, rollback renames it back.
 */
public record DropTable(@JsonProperty("name") String name) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        ctx.requireTable("name", name);
        // DROP TABLE at complete would fail on a foreign key of another table, after the previous version is gone.
        // Tables dropped earlier in the migration no longer count: complete drops them first.
        for (Table other : ctx.schema().visibleTables()) {
            for (Constraints.ForeignKey fk : other.foreignKeys().values()) {
                if (fk.referencedTable().equals(name) && !other.name().equals(name)) {
                    throw ctx.error("name", "table \"" + name + "\" is referenced by foreign key \"" + fk.name()
                            + "\" of table \"" + other.name() + "\"");
                }
            }
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.table(name).ifPresent(table -> {
            // The deleted table keeps its physical name in the virtual schema: rollback renames the table back to it
            // (it differs from the virtual name when an earlier operation renamed the table).
            ctx.sql("ALTER TABLE " + ctx.qualified(table.physicalName()) + " RENAME TO "
                    + Sql.ident(Names.deletedTable(name)));
            ctx.derive(Derived.Kind.RELATION, null, Names.deletedTable(name), "the name table \"" + name
                    + "\" has until complete drops it");
            ctx.schema().markTableDeleted(name);
        });
    }

    @Override
    public void complete(PlanContext ctx) {
        ctx.dropping(Dropped.relation(Names.deletedTable(name)));
        ctx.sql("DROP TABLE IF EXISTS " + ctx.qualified(Names.deletedTable(name)));
    }

    @Override
    public void rollback(PlanContext ctx) {
        // A create_table of the same name later in the migration replaces the deleted entry; the name is then the
        // best guess.
        String original = ctx.schema().allTables().stream().filter(t -> t.deleted() && t.name().equals(name))
                .map(Table::physicalName).findFirst().orElse(name);
        ctx.sql("ALTER TABLE IF EXISTS " + ctx.qualified(Names.deletedTable(name)) + " RENAME TO "
                + Sql.ident(original));
    }
}
