package io.pgroll.core.migration;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * New migration files, as {@code pgroll create} writes them: operation skeletons holding each operation's required
 * fields with {@code <placeholder>} values to edit, and the file itself. Nothing here touches a database.
 *
 * <p>The placeholders are chosen so that a skeleton left unedited parses but never applies: its table, column or
 * type names do not exist and its SQL does not run. Fields that take one of a fixed set of values get a valid one
 * ({@code create_constraint} is a {@code unique} constraint, {@code set_replica_identity} {@code full}).
 */
public final class MigrationTemplates {

    // One skeleton of each type, in OperationType order. add_column has an up: a new column is NOT NULL unless
    // nullable, so existing rows need a value; alter_column needs at least one change, and up and down to fill the
    // column copy the change makes.
    private static final List<Operation> SKELETONS = MigrationReader.fromJson("skeletons", """
            {"operations": [
              {"create_table": {"name": "<table>", "columns": [{"name": "<column>", "type": "<type>"}]}},
              {"rename_table": {"from": "<table>", "to": "<new_table>"}},
              {"rename_column": {"table": "<table>", "from": "<column>", "to": "<new_column>"}},
              {"drop_table": {"name": "<table>"}},
              {"add_column": {"table": "<table>", "up": "<sql expression>",
                              "column": {"name": "<column>", "type": "<type>"}}},
              {"drop_column": {"table": "<table>", "column": "<column>"}},
              {"alter_column": {"table": "<table>", "column": "<column>", "type": "<new type>",
                                "up": "<sql expression>", "down": "<sql expression>"}},
              {"create_index": {"name": "<index>", "table": "<table>", "columns": [{"column": "<column>"}]}},
              {"drop_index": {"name": "<index>"}},
              {"rename_constraint": {"table": "<table>", "from": "<constraint>", "to": "<new_constraint>"}},
              {"drop_constraint": {"table": "<table>", "name": "<constraint>", "down": "<sql expression>"}},
              {"set_replica_identity": {"table": "<table>", "identity": {"type": "full"}}},
              {"drop_multicolumn_constraint": {"table": "<table>", "name": "<constraint>",
                                               "down": {"<column>": "<sql expression>"}}},
              {"sql": {"up": "<sql>"}},
              {"create_constraint": {"table": "<table>", "name": "<constraint>", "type": "unique",
                                     "columns": ["<column>"], "up": {"<column>": "<sql expression>"},
                                     "down": {"<column>": "<sql expression>"}}}
            ]}""").operations();

    private MigrationTemplates() {
    }

    /** The operation types {@code create} offers, as pgroll does: all but the deprecated ones, in the usual order. */
    public static List<OperationType> offered() {
        return Arrays.stream(OperationType.values()).filter(t -> !t.deprecated()).toList();
    }

    /** An operation of the given type with its required fields set to {@code <placeholder>} values. */
    public static Operation skeleton(OperationType type) {
        return SKELETONS.get(type.ordinal());
    }

    /**
     * Writes a new migration {@code <name>.yaml} ({@code .json} when {@code json}) holding {@code operations} (none
     * is allowed: the file is to be filled in) into {@code dir}, and returns the file. Checked first, see
     * {@link #checkNew}; an existing file is never overwritten.
     */
    public static Path create(Path dir, String name, List<Operation> operations, boolean json) {
        checkNew(dir, name, json);
        return MigrationWriter.writeNewFile(dir, new Migration(name, null, operations), json);
    }

    /**
     * Refuses a name that cannot be a file name (empty, a path separator, {@code ..}), a directory {@code dir} that does
     * not exist, and a name that a migration file in {@code dir} already has, whatever its extension (two files of one
     * migration would make the directory ambiguous).
     */
    public static void checkNew(Path dir, String name, boolean json) {
        String file = MigrationWriter.fileName(new Migration(name, null, List.of()), json);
        for (Path existing : MigrationReader.migrationFiles(dir)) {
            String existingName = MigrationReader.baseName(existing);
            if (existingName.equals(file)) {
                throw new MigrationFileException(file, null, "file exists; it is not overwritten");
            }
            if (MigrationReader.migrationName(existingName).equals(name)) {
                throw new MigrationFileException(file, null,
                        "migration \"" + name + "\" already has a file, " + existingName + "; nothing written");
            }
        }
    }
}
