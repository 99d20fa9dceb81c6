package io.pgroll.core.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites migration files written in older pgroll formats into the current one, as {@code pgroll update} does:
 * <ul>
 *   <li>{@code create_index} {@code columns} as a list of column names (pgroll before 0.10,
 *       {@code columns: [a, b]}) or as a map from column name to its settings (0.10 to 0.11,
 *       {@code columns: {a: {}, b: {sort: DESC}}}) becomes a list of index fields
 *       ({@code columns: [{column: a}, {column: b, sort: DESC}]}), in the order the file has them;</li>
 *   <li>a top-level {@code name} (before 0.13, which names a migration after its file) is removed when it is the
 *       file's own migration name; another name is an error, since removing it would rename the migration.</li>
 * </ul>
 * A file that reads in the current format is left alone, byte for byte. Every file of a directory is read and
 * converted before any is written, so a file that cannot be read even in an old format changes nothing. Nothing here
 * touches a database.
 */
public final class MigrationUpdater {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * One file to rewrite.
     *
     * @param source  the file in an old format
     * @param target  where its rewrite goes: {@code source} itself, or {@code <name>.json} when it changes format
     * @param content the rewritten file
     */
    public record Rewrite(Path source, Path target, String content) {
        /** Whether the rewrite goes to another file, the source being removed once it is written. */
        public boolean renamed() {
            return !source.equals(target);
        }
    }

    private MigrationUpdater() {
    }

    /** {@link #plan} then {@link #apply}: rewrites the files of {@code dir} in old formats; returns the rewrites. */
    public static List<Rewrite> update(Path dir, boolean json) {
        List<Rewrite> rewrites = plan(dir, json);
        apply(rewrites);
        return rewrites;
    }

    /**
     * Reads every migration file directly inside {@code dir} and returns those in an old format with their rewrite,
     * in file name order, writing nothing. A rewrite keeps the file's format (and name), unless {@code json}: then it
     * is written as {@code <name>.json}, replacing a YAML file.
     *
     * @throws MigrationFileException naming the file, for the first file that does not read in the current format or
     *                                an old one, or whose JSON rewrite would replace another file
     */
    public static List<Rewrite> plan(Path dir, boolean json) {
        List<Rewrite> rewrites = new ArrayList<>();
        Set<Path> targets = new HashSet<>();
        for (Path file : MigrationReader.migrationFiles(dir)) {
            String fileName = MigrationReader.baseName(file);
            boolean toJson = json || fileName.endsWith(".json");
            Optional<String> content = rewrite(fileName, MigrationReader.readContent(file), toJson);
            if (content.isEmpty()) {
                continue;
            }
            Path target = toJson ? file.resolveSibling(MigrationReader.migrationName(fileName) + ".json") : file;
            if (!target.equals(file) && (Files.exists(target) || !targets.add(target))) {
                throw new MigrationFileException(fileName, null, "its JSON rewrite would replace "
                        + target.getFileName() + " (another file of the same migration); nothing written");
            }
            rewrites.add(new Rewrite(file, target, content.get()));
        }
        return List.copyOf(rewrites);
    }

    /**
     * Writes each rewrite (to a temporary file {@code .<target>.pgroll-update.tmp} first, with the source's permissions,
     * then moved into place) and removes a source that was rewritten to another file.
     */
    public static void apply(List<Rewrite> rewrites) {
        for (Rewrite r : rewrites) {
            String target = r.target().getFileName().toString();
            Path temp = r.target().resolveSibling("." + target + ".pgroll-update.tmp");
            try {
                try {
                    Files.writeString(temp, r.content());
                    keepPermissions(r.source(), temp);
                    moveInto(temp, r.target());
                } finally {
                    Files.deleteIfExists(temp);
                }
                if (r.renamed()) {
                    Files.delete(r.source());
                }
            } catch (IOException e) {
                throw new MigrationFileException(target, null, "cannot write: " + e.getMessage(), e);
            }
        }
    }

    private static void keepPermissions(Path source, Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, Files.getPosixFilePermissions(source));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the new file has the default permissions
        }
    }

    private static void moveInto(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The current-format text of a migration file's {@code content}, as JSON or as YAML; empty when the content
     * already reads in the current format (with or without operations).
     *
     * @param fileName the file's name, which gives its format and the migration's name
     * @throws MigrationFileException when the content reads neither in the current format nor in an old one
     */
    public static Optional<String> rewrite(String fileName, String content, boolean json) {
        JsonNode root = MigrationReader.tree(fileName, content);
        try {
            MigrationReader.bind(fileName, root);
            return Optional.empty();
        } catch (MigrationFileException current) {
            JsonNode upgraded = root.deepCopy();
            if (!upgrade(fileName, upgraded)) {
                throw current;
            }
            Migration migration = MigrationReader.bind(fileName, upgraded);
            String text = json ? MigrationWriter.toJson(migration) : MigrationWriter.toYaml(migration);
            String rewrittenName = MigrationReader.migrationName(fileName) + (json ? ".json" : ".yaml");
            Migration readBack = MigrationReader.bind(rewrittenName, MigrationReader.tree(rewrittenName, text));
            if (!readBack.equals(migration)) {
                // a writer/reader mismatch: never write a file that means something else
                throw new IllegalStateException("the rewrite of " + fileName + " does not read back the same");
            }
            return Optional.of(text);
        }
    }

    /** Rewrites the old forms found in a file's tree in place; whether there were any. */
    private static boolean upgrade(String fileName, JsonNode root) {
        if (!(root instanceof ObjectNode migration)) {
            return false;
        }
        boolean changed = removeOwnName(fileName, migration);
        if (migration.get("operations") instanceof ArrayNode operations) {
            for (JsonNode operation : operations) {
                if (operation.get("create_index") instanceof ObjectNode createIndex) {
                    ArrayNode fields = indexFields(createIndex.get("columns"));
                    if (fields != null) {
                        createIndex.set("columns", fields);
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private static boolean removeOwnName(String fileName, ObjectNode migration) {
        JsonNode name = migration.get("name");
        if (name == null || !name.isTextual()) {
            return false;
        }
        String own = MigrationReader.migrationName(fileName);
        if (!name.asText().equals(own)) {
            throw new MigrationFileException(fileName, "name", "\"" + name.asText() + "\" is not the migration's name \""
                    + own + "\": pgroll names a migration after its file and no longer reads this field; rename the "
                    + "file to " + name.asText() + fileName.substring(own.length()) + " or remove the field");
        }
        migration.remove("name");
        return true;
    }

    /** create_index columns in an old form as index fields, or null when they are in no old form. */
    private static ArrayNode indexFields(JsonNode columns) {
        if (columns == null || columns.isEmpty()) {
            return null;
        }
        ArrayNode fields = NODES.arrayNode();
        if (columns.isArray()) {
            for (JsonNode column : columns) {
                if (!column.isTextual()) {
                    return null;
                }
                fields.addObject().put("column", column.asText());
            }
            return fields;
        }
        if (columns.isObject()) {
            for (Map.Entry<String, JsonNode> column : columns.properties()) {
                JsonNode settings = column.getValue();
                if (!(settings.isNull() || settings.isObject()) || settings.has("column")) {
                    return null;
                }
                ObjectNode field = fields.addObject().put("column", column.getKey());
                if (settings.isObject()) {
                    field.setAll((ObjectNode) settings);
                }
            }
            return fields;
        }
        return null;
    }
}
