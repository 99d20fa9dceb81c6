package io.pgroll.core.plan;

import java.util.List;

/**
 * One unit of execution: statements run in a single transaction, or one statement that must run outside any
 * transaction (CREATE INDEX CONCURRENTLY and friends). A step is retried as a whole when it hits lock_timeout.
 *
 * @param statements    SQL to run, in order
 * @param transactional whether the statements share one transaction
 * @param onFailure     statement run after a failed attempt to clean up (e.g. drop an INVALID index), or null
 */
public record Step(List<String> statements, boolean transactional, String onFailure) {

    public Step {
        statements = List.copyOf(statements);
        if (!transactional && statements.size() != 1) {
            throw new IllegalArgumentException("a non-transactional step holds exactly one statement");
        }
    }

    public static Step sql(String... statements) {
        return new Step(List.of(statements), true, null);
    }

    public static Step outsideTransaction(String statement, String onFailure) {
        return new Step(List.of(statement), false, onFailure);
    }

    @Override
    public String toString() {
        String body = String.join(";\n", statements) + ";";
        return transactional && statements.size() > 1 ? "BEGIN;\n" + body + "\nCOMMIT;" : body;
    }
}
