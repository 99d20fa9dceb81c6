package io.pgroll.core.plan;

/**
 * An object that a start creates under a name pgroll derives from the user's names (a hidden column, a sync trigger,
 * a copied constraint...). Such a name may already be taken by an object that is not pgroll's; a start must then
 * refuse instead of taking the object over.
 *
 * @param kind    what kind of object, which decides the namespace the name lives in
 * @param table   the physical table a column, constraint or trigger belongs to; null for schema-wide names
 * @param name    the derived name
 * @param purpose what the object is for, as the user would understand it
 */
public record Derived(Kind kind, String table, String name, String purpose) {

    public enum Kind {
        COLUMN("column"),
        CONSTRAINT("constraint"),
        /** An index or a table: both live in the schema's namespace of relations. */
        RELATION("relation"),
        FUNCTION("function"),
        TRIGGER("trigger"),
        SCHEMA("schema");

        public final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Whether names of this kind are unique per table rather than per schema. */
        public boolean perTable() {
            return this == COLUMN || this == CONSTRAINT || this == TRIGGER;
        }
    }

    /** The namespace and name, which two objects must not share. */
    public String key() {
        return kind + "\u0000" + (kind.perTable() ? table : "") + "\u0000" + name;
    }
}
