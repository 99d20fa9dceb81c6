package io.pgroll.core.plan;

import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.schema.Column;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.schema.Table;
import java.nio.charset.StandardCharsets;

/**
 * Validation of one operation against the virtual schema as earlier operations of the migration left it. Errors
 * name the file, the operation (index and type) and the field.
 */
public final class ValidationContext {
    public static final int MAX_IDENTIFIER_BYTES = 63;

    private final Schema schema;
    private final Catalog catalog;
    private final String file;
    private final String operationPath;

    public ValidationContext(Schema schema, Catalog catalog, String file, int index, String type) {
        this.schema = schema;
        this.catalog = catalog;
        this.file = file;
        this.operationPath = "operations[" + index + "]." + type;
    }

    public Schema schema() {
        return schema;
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The visible table of this name, as earlier operations of the migration left the schema. */
    public java.util.Optional<Table> table(String name) {
        return schema.table(name);
    }

    public MigrationFileException error(String field, String message) {
        return new MigrationFileException(file, field == null ? operationPath : operationPath + "." + field, message);
    }

    public Table requireTable(String field, String name) {
        return schema.table(name).orElseThrow(() -> error(field, "table \"" + name + "\" does not exist"));
    }

    public Column requireColumn(String field, Table table, String name) {
        return table.column(name).orElseThrow(() -> error(field,
                "column \"" + name + "\" does not exist on table \"" + table.name() + "\""));
    }

    public void requireTableAbsent(String field, String name) {
        if (schema.table(name).isPresent()) {
            throw error(field, "table \"" + name + "\" already exists");
        }
    }

    public void requireColumnAbsent(String field, Table table, String name) {
        if (table.column(name).isPresent()) {
            throw error(field, "column \"" + name + "\" already exists in table \"" + table.name() + "\"");
        }
    }

    /** A new identifier must fit PostgreSQL's limit, or the server would silently truncate it. */
    public void requireIdentifier(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw error(field, "required");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            throw error(field, "length of \"" + name + "\" (" + bytes + ") exceeds maximum length of "
                    + MAX_IDENTIFIER_BYTES);
        }
    }
}
