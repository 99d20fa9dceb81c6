package io.pgroll.core.migration;

import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.TriggerSpec;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;

/** The up/down trigger pair of each copied column, shared by the operations that copy columns. */
final class SyncTriggers {

    private SyncTriggers() {
    }

    /**
     * @param up   expression for the copy, in the old version's columns; null or blank means the column itself
     * @param down expression for the original, in the new version's columns; null or blank means the column itself
     */
    static void sync(PlanContext ctx, String table, Table t, String column, String up, String down,
                     VersionColumns oldColumns, VersionColumns newColumns) {
        String copy = newColumns.physical().get(column);
        ctx.triggerPair(new TriggerSpec(Names.trigger(table, column), t.physicalName(), TriggerSpec.Direction.UP, column,
                copy, orColumn(up, column), oldColumns),
                new TriggerSpec(Names.trigger(table, copy), t.physicalName(), TriggerSpec.Direction.DOWN, column,
                        oldColumns.physical().get(column), orColumn(down, column), newColumns));
    }

    private static String orColumn(String expression, String column) {
        return expression == null || expression.isBlank() ? Sql.ident(column) : expression;
    }

    /**
     * DROP FUNCTION ... CASCADE (which drops the trigger too) for the up and the down trigger of every column (a start
     * by an earlier version may have installed the two as one trigger under the up trigger's name).
     */
    static List<String> dropAll(PlanContext ctx, String table, List<String> columns) {
        List<String> statements = new ArrayList<>();
        for (String c : columns) {
            for (String fn : List.of(Names.trigger(table, c), Names.trigger(table, Names.newColumn(c)))) {
                statements.add("DROP FUNCTION IF EXISTS " + Sql.qualified(ctx.targetSchema(), fn) + "() CASCADE");
            }
        }
        return statements;
    }
}
