package io.pgroll.core.plan;

/** Names of the objects pgroll creates, shared with the Go tool so either can finish what the other started. */
public final class Names {
    public static final String PREFIX = "_pgroll_";

    private Names() {
    }

    /** The hidden column that holds a new or changed column until complete. */
    public static String newColumn(String virtualColumn) {
        return PREFIX + "new_" + virtualColumn;
    }

    /** The name a dropped table has until complete. */
    public static String deletedTable(String table) {
        return PREFIX + "del_" + table;
    }

    /** Trigger and trigger function that fill {@code column} of {@code table}. */
    public static String trigger(String table, String column) {
        return PREFIX + "trigger_" + table + "_" + column;
    }

    /** The NOT VALID check that stands in for NOT NULL until complete. */
    public static String notNullCheck(String column) {
        return PREFIX + "check_not_null_" + column;
    }

    /** The unique index built concurrently for add_column {@code unique: true}. */
    public static String uniqueIndex(String column) {
        return PREFIX + "uniq_" + column;
    }
}
