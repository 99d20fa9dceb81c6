package io.pgroll.core.migration;

/**
 * One migration operation. Each record carries its fields as written in the migration file (pgroll's format)
 * and knows how to validate itself and plan the SQL it runs on start, complete and rollback.
 */
public sealed interface Operation permits CreateTable, RenameTable, RenameColumn, DropTable, AddColumn, DropColumn,
        AlterColumn, CreateIndex, DropIndex, RenameConstraint, DropConstraint, SetReplicaIdentity,
        DropMultiColumnConstraint, RawSql, CreateConstraint {

    /** The operation's key in a migration file, e.g. {@code create_table}. */
    default String type() {
        return OperationType.of(this).key();
    }
}
