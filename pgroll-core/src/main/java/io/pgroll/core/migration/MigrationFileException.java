package io.pgroll.core.migration;

import io.pgroll.core.PgRollException;

/**
 * A problem with a migration file: malformed JSON/YAML, an unknown or missing field, a value of the wrong type, or
 * a semantic validation error. The message is one line: {@code <file>: <path>: <detail>}, or {@code <file>: <detail>}
 * when there is no path, e.g. {@code 02_add.yaml: operations[1].add_column.column.type: required}.
 */
public class MigrationFileException extends PgRollException {
    private final String file;
    private final String path;
    private final String detail;

    /**
     * @param file    the file's base name, e.g. {@code 02_add.yaml}
     * @param path    where in the file, e.g. {@code operations[1].add_column.table}; null or empty for the whole file
     * @param message what is wrong, e.g. {@code required}
     */
    public MigrationFileException(String file, String path, String message) {
        super(format(file, path, message));
        this.file = file;
        this.path = path == null || path.isEmpty() ? null : path;
        this.detail = message;
    }

    public MigrationFileException(String file, String path, String message, Throwable cause) {
        super(format(file, path, message), cause);
        this.file = file;
        this.path = path == null || path.isEmpty() ? null : path;
        this.detail = message;
    }

    private static String format(String file, String path, String message) {
        String where = file == null || file.isEmpty() ? "" : file + ": ";
        return path == null || path.isEmpty() ? where + message : where + path + ": " + message;
    }

    /** The file's base name. */
    public String file() {
        return file;
    }

    /** The location inside the file, or null when the error concerns the whole file. */
    public String path() {
        return path;
    }

    /** The message without file and path. */
    public String detail() {
        return detail;
    }
}
