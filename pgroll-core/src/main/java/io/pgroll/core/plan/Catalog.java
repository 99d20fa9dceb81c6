package io.pgroll.core.plan;

/** Questions planning asks the database. Answers must not depend on the state of the migration being planned. */
public interface Catalog {

    /**
     * Whether adding a column of {@code type} with {@code defaultExpression} is a catalog-only change (the default is
     * evaluated once, no table rewrite): true for constants and stable expressions, false for volatile ones.
     */
    boolean isConstantDefault(String type, String defaultExpression);

    /**
     * Indexes of a table whose keys include expressions, which the state schema's read_schema() leaves out, with the
     * columns they depend on. Column copies need them to carry such indexes over.
     */
    default java.util.List<io.pgroll.core.schema.Constraints.Index> expressionIndexes(String schema, String table) {
        return java.util.List.of();
    }

    /**
     * The object that already has the name of {@code object} in its namespace (of the target {@code schema}), described
     * for the user, e.g. {@code column "x" of table t}; empty when the name is free.
     */
    default java.util.Optional<String> existing(String schema, Derived object) {
        return java.util.Optional.empty();
    }

    /**
     * Whether a SQL expression resolves on a search_path holding only pg_catalog: then it means the same for every
     * client, whatever its path. False when unsure.
     */
    default boolean resolvesInCatalogOnly(String expression) {
        return false;
    }

    /** For planning without a database (printing a plan, replaying a rollback): assume the cheap path. */
    Catalog OFFLINE = (type, expression) -> true;
}
