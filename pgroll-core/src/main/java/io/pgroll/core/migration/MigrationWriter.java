package io.pgroll.core.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Serialises migrations in pgroll's file format: {@code {"version_schema"?: ..., "operations": [{"<op>": {...}}]}}.
 * The name is never written; absent (null) fields, {@code false} flags and absent tri-state values are omitted;
 * a tri-state null is written as {@code null}. JSON keeps the model's field order (map keys sorted) with 2-space
 * indentation; YAML, like upstream's YAML-via-JSON output, sorts all keys. Both outputs end with a newline.
 */
public final class MigrationWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator("")));

    private static final ObjectWriter YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build()).writer();

    private MigrationWriter() {
    }

    /** The migration as 2-space indented JSON. */
    public static String toJson(Migration migration) {
        try {
            return JSON.writeValueAsString(toTree(migration)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The migration as YAML, keys sorted alphabetically. */
    public static String toYaml(Migration migration) {
        try {
            return YAML.writeValueAsString(sorted(toTree(migration)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON document (e.g. {@code read_schema}'s) with the same 2-space indentation as {@link #toJson}. */
    public static String prettyJson(String json) {
        try {
            return JSON.writeValueAsString(new ObjectMapper().readTree(json)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file a migration is written to, {@code <name>.json} or {@code <name>.yaml}; a name that is not a plain file
     * name (empty or blank, a path separator, {@code ..}, a control character) is refused.
     */
    public static String fileName(Migration migration, boolean json) {
        String name = migration.name();
        if (name.isBlank() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new MigrationFileException(name, null, "migration name \"" + name + "\" cannot be used as a file name");
        }
        return name + (json ? ".json" : ".yaml");
    }

    /** Creates {@code dir} and its parents when they do not exist. */
    public static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MigrationFileException(dir.toString(), null, "cannot create directory: " + e.getMessage(), e);
        }
    }

    /** Writes the migration to {@link #fileName} in {@code dir} and returns the file; an existing file is kept. */
    public static Path writeNewFile(Path dir, Migration migration, boolean json) {
        Path file = dir.resolve(fileName(migration, json));
        try {
            Files.writeString(file, json ? toJson(migration) : toYaml(migration), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return file;
        } catch (FileAlreadyExistsException e) {
            throw new MigrationFileException(file.toString(), null, "file exists; it is not overwritten", e);
        } catch (IOException e) {
            throw new MigrationFileException(file.toString(), null, "cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a migration back from its serialised JSON form (e.g. the state store's {@code migration} column), with
     * the same strictness as migration files. {@code name} becomes the migration's name and labels error messages.
     */
    public static Migration fromJson(String name, String json) {
        return MigrationReader.fromJson(name, json);
    }

    /** The migration as a JSON tree (name omitted). */
    public static ObjectNode toTree(Migration migration) {
        ObjectNode root = NODES.objectNode();
        if (migration.versionSchema() != null) {
            root.put("version_schema", migration.versionSchema());
        }
        ArrayNode operations = root.putArray("operations");
        for (Operation op : migration.operations()) {
            // OperationType, not op.type(): records with a "type" component (alter_column) shadow Operation.type()
            operations.addObject().set(OperationType.of(op).key(), toNode(op));
        }
        return root;
    }

    /** The node for a value, or null when the value is omitted from the output. */
    private static JsonNode toNode(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof TriState t) {
            if (!t.present()) {
                return null;
            }
            return t.value() == null ? NODES.nullNode() : NODES.textNode(t.value());
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            for (Object element : list) {
                JsonNode node = toNode(element);
                array.add(node == null ? NODES.nullNode() : node);
            }
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            new TreeMap<>(map).forEach((k, v) -> {
                JsonNode node = toNode(v);
                object.set(String.valueOf(k), node == null ? NODES.nullNode() : node);
            });
            return object;
        }
        if (value.getClass().isRecord()) {
            ObjectNode object = NODES.objectNode();
            for (RecordFields.Field field : RecordFields.of(value.getClass()).fields()) {
                Object fieldValue = field.get(value);
                if (field.rawType() == boolean.class && Boolean.FALSE.equals(fieldValue)) {
                    continue; // false flags are the default and omitted
                }
                JsonNode node = toNode(fieldValue);
                if (node != null) {
                    object.set(field.jsonName(), node);
                }
            }
            return object;
        }
        throw new IllegalArgumentException("cannot serialise " + value.getClass());
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            Map<String, JsonNode> properties = new TreeMap<>();
            node.properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
            properties.forEach((k, v) -> copy.set(k, sorted(v)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }
}
