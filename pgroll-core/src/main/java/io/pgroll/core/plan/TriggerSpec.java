package io.pgroll.core.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row trigger that keeps two versions of a column in step.
 *
 * @param name            name of the trigger and of its function
 * @param physicalTable   table it fires on
 * @param direction       UP fires for writers not on the new version, DOWN for writers on it
 * @param targetColumn    physical column the trigger assigns
 * @param expression      the user's up/down SQL, in terms of {@code variables}
 * @param variables       virtual column name to physical column, as the expression's author sees the table
 */
public record TriggerSpec(String name, String physicalTable, Direction direction, String targetColumn,
                          String expression, Map<String, String> variables) {

    public TriggerSpec {
        variables = new LinkedHashMap<>(variables);
    }

    public enum Direction { UP, DOWN }
}
