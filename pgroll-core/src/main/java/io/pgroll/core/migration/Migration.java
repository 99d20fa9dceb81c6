package io.pgroll.core.migration;

import java.util.List;

/**
 * A parsed migration file. {@code name} is the file name minus its last extension and is never serialised;
 * {@code versionSchema} is optional (null means the name is used).
 */
public record Migration(String name, String versionSchema, List<Operation> operations) {

    public Migration {
        operations = List.copyOf(operations);
    }

    /** The suffix of the version schema: {@code version_schema} when set, else the migration name. */
    public String version() {
        return versionSchema == null || versionSchema.isEmpty() ? name : versionSchema;
    }
}
