package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import java.util.Map;

/**
 * A row trigger that keeps two versions of a column in step.
 *
 * @param name            name of the trigger and of its function
 * @param physicalTable   table it fires on
 * @param direction       UP fires for writers not on the new version, DOWN for writers on it
 * @param column          virtual name of the column being converted (what chained expressions refer to)
 * @param targetColumn    physical column the trigger assigns
 * @param expression      the user's up/down SQL, in terms of {@code columns}
 * @param columns         the table as the expression's author sees it
 * @param anyPath         whether the expression means the same whatever the writer's search_path (it names only
 *                        columns and what pg_catalog has); otherwise its function runs with the target schema's path
 */
public record TriggerSpec(String name, String physicalTable, Direction direction, String column, String targetColumn,
                          String expression, VersionColumns columns, boolean anyPath) {

    public TriggerSpec(String name, String physicalTable, Direction direction, String column, String targetColumn,
                       String expression, VersionColumns columns) {
        this(name, physicalTable, direction, column, targetColumn, expression, columns, false);
    }

    /** Virtual column name to the physical column, as the expression's author sees the table. */
    public Map<String, String> variables() {
        return columns.physical();
    }

    /** The same trigger, knowing whether its expression resolves the same on any search_path. */
    public TriggerSpec withAnyPath(boolean resolvesAnywhere) {
        return new TriggerSpec(name, physicalTable, direction, column, targetColumn, expression, columns,
                resolvesAnywhere);
    }

    /**
     * This trigger followed by {@code later}, a second change of the same column in the same migration: going up,
     * the later expression reads the column as the earlier one produced it; going down, the earlier expression reads
     * it as the later one produced it. Expressions are composed by substitution, so one assignment remains.
     */
    public TriggerSpec chain(TriggerSpec later) {
        if (direction == Direction.UP) {
            String composed = Sql.replaceIdentifier(later.expression, column, Sql.parenthesize(expression));
            return new TriggerSpec(name, physicalTable, direction, column, targetColumn, composed, columns);
        }
        String composed = Sql.replaceIdentifier(expression, column, Sql.parenthesize(later.expression));
        return new TriggerSpec(name, physicalTable, direction, column, targetColumn, composed, later.columns);
    }

    public enum Direction { UP, DOWN }
}
