package io.pgroll.core.plan;

/** Questions planning asks the database. Answers must not depend on the state of the migration being planned. */
public interface Catalog {

    /**
     * Whether adding a column of {@code type} with {@code defaultExpression} is a catalog-only change (the default is
     * evaluated once, no table rewrite): true for constants and stable expressions, false for volatile ones.
     */
    boolean isConstantDefault(String type, String defaultExpression);

    /** For planning without a database (printing a plan, replaying a rollback): assume the cheap path. */
    Catalog OFFLINE = (type, expression) -> true;
}
