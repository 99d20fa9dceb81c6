package io.pgroll.core.migration;

/**
 * pgroll's tri-state string fields (alter_column {@code default} and {@code comment}): absent means keep,
 * an explicit JSON null means drop/remove, a string means set.
 */
public record TriState(boolean present, String value) {
    public static final TriState ABSENT = new TriState(false, null);
    public static final TriState NULL = new TriState(true, null);

    public static TriState of(String value) {
        return value == null ? NULL : new TriState(true, value);
    }

    public boolean isNull() {
        return present && value == null;
    }
}
