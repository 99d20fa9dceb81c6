package io.pgroll.core.migration;

import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

/**
 * Operations this version parses but cannot run yet: validation rejects them with a clear message, so nothing is
 * ever planned for them.
 */
sealed interface NotYetSupported extends Operation
        permits CreateConstraint, DropConstraint, DropMultiColumnConstraint {

    @Override
    default void validate(ValidationContext ctx) {
        throw ctx.error(null, "the " + key() + " operation is not supported by this version of pgroll for Java yet");
    }

    @Override
    default void start(PlanContext ctx) {
        throw new IllegalStateException(key() + " cannot be planned");
    }

    @Override
    default void complete(PlanContext ctx) {
        throw new IllegalStateException(key() + " cannot be planned");
    }

    @Override
    default void rollback(PlanContext ctx) {
        throw new IllegalStateException(key() + " cannot be planned");
    }
}
