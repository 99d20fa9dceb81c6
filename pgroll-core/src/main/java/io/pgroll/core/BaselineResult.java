package io.pgroll.core;

import java.nio.file.Path;

/**
 * What {@code baseline} recorded and wrote.
 *
 * @param name     the baseline's name, now the first migration of the history
 * @param file     the migration file written, which re-creates the schema on an empty database
 * @param objects  how many objects of the schema the file re-creates
 */
public record BaselineResult(String name, Path file, int objects) {
}
