package io.pgroll.core.plan;

/**
 * Something a complete or rollback drops: a column, or a whole table or index. Objects of the user's that depend on
 * it (views, functions with SQL bodies, foreign keys, policies, generated columns) would either stop the drop
 * halfway or be dropped with it, so they are looked for before anything changes.
 *
 * @param relation the physical table or index, unqualified (in the target schema)
 * @param column   the physical column, or null for the whole relation
 */
public record Dropped(String relation, String column) {

    public static Dropped column(String table, String column) {
        return new Dropped(table, column);
    }

    public static Dropped relation(String relation) {
        return new Dropped(relation, null);
    }
}
