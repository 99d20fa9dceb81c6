package io.pgroll.core.migration;

import java.util.Arrays;
import java.util.Optional;

/** The 15 operation kinds and their keys in migration files. */
public enum OperationType {
    CREATE_TABLE("create_table", CreateTable.class),
    RENAME_TABLE("rename_table", RenameTable.class),
    RENAME_COLUMN("rename_column", RenameColumn.class),
    DROP_TABLE("drop_table", DropTable.class),
    ADD_COLUMN("add_column", AddColumn.class),
    DROP_COLUMN("drop_column", DropColumn.class),
    ALTER_COLUMN("alter_column", AlterColumn.class),
    CREATE_INDEX("create_index", CreateIndex.class),
    DROP_INDEX("drop_index", DropIndex.class),
    RENAME_CONSTRAINT("rename_constraint", RenameConstraint.class),
    DROP_CONSTRAINT("drop_constraint", DropConstraint.class),
    SET_REPLICA_IDENTITY("set_replica_identity", SetReplicaIdentity.class),
    DROP_MULTICOLUMN_CONSTRAINT("drop_multicolumn_constraint", DropMultiColumnConstraint.class),
    SQL("sql", RawSql.class),
    CREATE_CONSTRAINT("create_constraint", CreateConstraint.class);

    private final String key;
    private final Class<? extends Operation> recordType;

    OperationType(String key, Class<? extends Operation> recordType) {
        this.key = key;
        this.recordType = recordType;
    }

    public String key() {
        return key;
    }

    public Class<? extends Operation> recordType() {
        return recordType;
    }

    /** Whether pgroll marks the operation as deprecated (drop_constraint, set_replica_identity). */
    public boolean deprecated() {
        return this == DROP_CONSTRAINT || this == SET_REPLICA_IDENTITY;
    }

    public static Optional<OperationType> byKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }

    public static OperationType of(Operation op) {
        return Arrays.stream(values()).filter(t -> t.recordType == op.getClass()).findFirst().orElseThrow();
    }
}
