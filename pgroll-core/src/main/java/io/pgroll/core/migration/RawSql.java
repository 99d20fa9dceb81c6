package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.SqlScript;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

/**
 * The {@code sql} operation: {@code up} runs at start (or at complete with {@code onComplete}), {@code down} at
 * rollback. Without {@code onComplete} it must be the only operation of its migration.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RawSql(
        @JsonProperty("up") String up,
        @JsonProperty("down") String down,
        @JsonProperty("onComplete") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean onComplete)
        implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        if (up == null || up.isBlank()) {
            throw ctx.error("up", "migration is empty");
        }
        if (onComplete && down != null && !down.isBlank()) {
            throw ctx.error("down", "down is not allowed with onComplete");
        }
        requireNoTransactionControl(ctx, "up", up);
        requireNoTransactionControl(ctx, "down", down);
    }

    /**
     * pgroll decides where transactions begin and end (it records what it ran in the same transaction): a COMMIT or
     * BEGIN in the user's SQL would end that transaction early or leave one open that nothing commits.
     */
    private static void requireNoTransactionControl(ValidationContext ctx, String field, String sql) {
        if (sql != null) {
            SqlScript.transactionControl(sql).ifPresent(statement -> {
                throw ctx.error(field, "transaction control (\"" + statement + "\") is not allowed: pgroll runs the "
                        + "SQL in a transaction of its own; remove it");
            });
        }
    }

    /** Whether this operation changes the schema at start, outside what the virtual schema can track. */
    public boolean isolated() {
        return !onComplete;
    }

    // The user's SQL runs as given, outside any transaction of ours: it may hold statements that refuse to run
    // in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM), as the Go tool allows.
    @Override
    public void start(PlanContext ctx) {
        if (!onComplete) {
            ctx.outsideTransaction(up, null);
        }
    }

    @Override
    public void complete(PlanContext ctx) {
        if (onComplete) {
            ctx.outsideTransaction(up, null);
        }
    }

    @Override
    public void rollback(PlanContext ctx) {
        if (!onComplete && down != null && !down.isBlank()) {
            ctx.sql(down);
        }
    }
}
