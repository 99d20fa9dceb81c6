package io.pgroll.core.migration;

import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

/**
 * One migration operation. Each record carries its fields as written in the migration file (pgroll's format)
 * and knows how to validate itself and plan the SQL it runs on start, complete and rollback.
 *
 * <p>Planning only emits steps into the {@link PlanContext}; running them is the engine's job, so a plan can be
 * printed or tested without a database.
 */
public sealed interface Operation permits CreateTable, RenameTable, RenameColumn, DropTable, AddColumn, DropColumn,
        AlterColumn, CreateIndex, DropIndex, RenameConstraint, DropConstraint, SetReplicaIdentity,
        DropMultiColumnConstraint, RawSql, CreateConstraint {

    /**
     * The operation's key in a migration file, e.g. {@code create_table}. (Not {@code type()}: alter_column and
     * create_constraint have a {@code type} field of their own.)
     */
    default String key() {
        return OperationType.of(this).key();
    }

    /** Checks the operation against the virtual schema as the earlier operations of its migration leave it. */
    void validate(ValidationContext ctx);

    /** Plans the expand phase and updates the virtual schema to what the new version shows. */
    void start(PlanContext ctx);

    /** Plans the contract phase and updates the virtual schema so physical names match virtual ones. */
    void complete(PlanContext ctx);

    /** Plans the undo of {@link #start}; every statement must be safe to run when start got only part way. */
    void rollback(PlanContext ctx);
}
