package io.pgroll.core.migration;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads pgroll migration files ({@code .json}, {@code .yaml}, {@code .yml}) into {@link Migration}s.
 *
 * <p>Parsing is strict: unknown fields, wrong JSON types, missing required fields and invalid enumerated values are
 * rejected with a one-line {@link MigrationFileException} such as
 * {@code 02_add.yaml: operations[1].add_column.column.type: required}. In YAML files, scalars given where a string is
 * expected ({@code down: 0}, {@code default: true}) are accepted as their text. The migration name is the file's base
 * name without its last extension.
 */
public final class MigrationReader {
    /**
     * The size of the largest migration file read, in bytes ({@link #read}) or characters ({@link #parse}; never more
     * than bytes): 64 MiB. A migration is stored as jsonb in pgroll's state, where a value may not exceed 255 MB, and
     * escaping (of newlines, quotes, tabs) can double a file in its JSON form.
     */
    public static final int MAX_FILE_SIZE = 64 << 20;
    // a YAML alias shares the node it names, but everything after the reader walks the tree as expanded; this bounds
    // that walk for "billion laughs" files (nested aliases multiplying at each level) and leaves room for real reuse
    static final int MAX_ALIAS_NODES = 1_000_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // the file size limit is the only limit on the size of a document or of a string in it, in both formats (by
    // default Jackson limits a string to 20 million characters, SnakeYAML a document to 3 MB)
    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .build();
    private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    // an empty plain scalar ("default:") is null in YAML; a quoted '' stays an empty string
    private static final YAMLFactory YAML = new LinearYamlFactory(YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .streamReadConstraints(CONSTRAINTS)
            .loaderOptions(loaderOptions()));
    private static final Comparator<String> BYTEWISE = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    private static final Pattern JACKSON_LOCATION = Pattern.compile(
            "\\s*(\\(start marker at )?\\[Source: .*$|\\s*at \\[Source: .*$");
    private static final Pattern SNAKEYAML_EVENT = Pattern.compile(
            "<org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event\\b[^>]*>");

    private enum Format {
        JSON("JSON"), YAML("YAML");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    private MigrationReader() {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        return options;
    }

    /** Reads and parses one migration file. */
    public static Migration read(Path file) {
        return parse(baseName(file), readContent(file));
    }

    /** The text of a migration file (its extension checked first), read within the size limit and decoded as UTF-8. */
    static String readContent(Path file) {
        String fileName = baseName(file);
        formatOf(fileName);
        try {
            // the size first, so that a huge file is not read at all; the bounded read still stops at the limit if
            // the file grows meanwhile or its size is unknown (a pipe)
            long size = Files.size(file);
            if (size > MAX_FILE_SIZE) {
                throw tooLarge(fileName, size + " bytes");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_SIZE + 1);
            }
            if (bytes.length > MAX_FILE_SIZE) {
                throw tooLarge(fileName, "over " + MAX_FILE_SIZE + " bytes");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new MigrationFileException(fileName, null, "file not found: " + file, e);
        } catch (CharacterCodingException e) {
            throw new MigrationFileException(fileName, null, "not valid UTF-8", e);
        } catch (IOException e) {
            throw new MigrationFileException(fileName, null, "cannot read file: " + describe(e), e);
        }
    }

    /**
     * Parses migration file content. The format is chosen from {@code fileName}'s extension ({@code .json} is strict
     * JSON, {@code .yaml}/{@code .yml} YAML) and the migration is named after it. It must have at least one operation.
     */
    public static Migration parse(String fileName, String content) {
        String base = baseName(fileName);
        Migration migration = bind(base, tree(base, content));
        // only files: pgroll's baseline rows in the state store have {"operations":[]} (see fromJson)
        if (migration.operations().isEmpty()) {
            throw new MigrationFileException(base, "operations", "at least one operation is required");
        }
        return migration;
    }

    /** The syntax tree of a file's content, in the format of its extension; {@code fileName} is a base name. */
    static JsonNode tree(String fileName, String content) {
        Format format = formatOf(fileName);
        if (migrationName(fileName).isEmpty()) {
            throw new MigrationFileException(fileName, null,
                    "the migration name (file name without extension) is empty");
        }
        if (content.length() > MAX_FILE_SIZE) {
            throw tooLarge(fileName, content.length() + " characters");
        }
        return readTree(fileName, content, format);
    }

    /** Binds a file's tree (see {@link #tree}) to the model, strictly; no operations is not an error here. */
    static Migration bind(String fileName, JsonNode root) {
        return new MigrationBinder(fileName, formatOf(fileName) == Format.YAML)
                .bindMigration(migrationName(fileName), root);
    }

    /**
     * Parses a migration in its serialised JSON form (as written by {@link MigrationWriter#toJson}, e.g. the state
     * store's {@code migration} column), which may have no operations. Errors name {@code name} as the file.
     */
    public static Migration fromJson(String name, String json) {
        JsonNode root = readTree(name, json, Format.JSON);
        return new MigrationBinder(name, false).bindMigration(name, root);
    }

    /**
     * Reads every migration file ({@code *.json}, {@code *.yml}, {@code *.yaml}) directly inside {@code dir}, in
     * byte-wise order of their base names. Other files and subdirectories are ignored.
     */
    public static List<Migration> readDirectory(Path dir) {
        List<Path> files = migrationFiles(dir);
        List<Migration> migrations = new ArrayList<>(files.size());
        for (Path file : files) {
            migrations.add(read(file));
        }
        return List.copyOf(migrations);
    }

    /** The migration files directly inside {@code dir}, in {@link #readDirectory}'s order, without reading them. */
    static List<Path> migrationFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MigrationFileException(dir.toString(), null,
                    Files.exists(dir) ? "not a directory" : "directory not found");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = baseName(entry);
                if (isMigrationFileName(name) && Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException | SecurityException e) {
            throw new MigrationFileException(dir.toString(), null, "cannot read directory: " + describe(e), e);
        }
        files.sort(Comparator.comparing(MigrationReader::baseName, BYTEWISE));
        return files;
    }

    /**
     * The names of the migrations that have a file directly inside {@code dir} (file name minus its extension), without
     * reading the files; empty when the directory does not exist.
     */
    public static Set<String> namesIn(Path dir) {
        Set<String> names = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = baseName(entry);
                if (isMigrationFileName(file)) {
                    names.add(migrationName(file));
                }
            }
        } catch (IOException | SecurityException e) {
            throw new MigrationFileException(dir.toString(), null, "cannot read directory: " + describe(e), e);
        }
        return names;
    }

    /** A migration's name: its file's name without the last extension. */
    static String migrationName(String fileName) {
        return fileName.substring(0, fileName.lastIndexOf('.'));
    }

    /** Whether a file name has one of the migration file extensions. */
    public static boolean isMigrationFileName(String fileName) {
        return formatFor(fileName) != null;
    }

    /** The order {@link #readDirectory} sorts file names in: byte-wise comparison of their UTF-8 encodings. */
    public static Comparator<String> fileNameOrder() {
        return BYTEWISE;
    }

    private static Format formatFor(String fileName) {
        if (fileName.endsWith(".json")) {
            return Format.JSON;
        }
        if (fileName.endsWith(".yaml") || fileName.endsWith(".yml")) {
            return Format.YAML;
        }
        return null;
    }

    private static Format formatOf(String fileName) {
        Format format = formatFor(fileName);
        if (format == null) {
            throw new MigrationFileException(fileName, null,
                    "unsupported file extension, expected .json, .yaml or .yml");
        }
        return format;
    }

    static String baseName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    private static String baseName(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(slash + 1);
    }

    private static MigrationFileException tooLarge(String file, String size) {
        return new MigrationFileException(file, null,
                "too large: " + size + ", the limit is " + MAX_FILE_SIZE + " bytes (" + (MAX_FILE_SIZE >> 20) + " MiB)");
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    // ---- syntax: text -> tree ----------------------------------------------------------------------------------

    private static JsonNode readTree(String file, String content, Format format) {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        JsonFactory factory = format == Format.JSON ? JSON : YAML;
        try (JsonParser parser = factory.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MigrationFileException(file, null, "invalid " + format.label + ": empty document");
            }
            JsonNode root = new TreeReader(file, format, parser).read(first);
            if (parser.nextToken() != null) {
                throw syntaxError(file, format, format == Format.YAML
                        ? "multiple YAML documents are not supported"
                        : "unexpected content after the top-level value", parser.currentTokenLocation());
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(file, format, e);
        } catch (IOException e) {
            throw new MigrationFileException(file, null, "invalid " + format.label + ": " + describe(e), e);
        } catch (MigrationFileException e) {
            throw e;
        } catch (RuntimeException e) {
            // defensive: a parser failure that escaped Jackson's exception wrapping still becomes a one-line error
            throw new MigrationFileException(file, null, "invalid " + format.label + ": " + shorten(describe(e)), e);
        }
    }

    /**
     * Builds a tree from a token stream. Unlike Jackson's own tree reader this rejects duplicate keys in both formats
     * and keeps YAML numbers as their original text (there are no numeric fields in the format; a YAML
     * {@code down: 0} or {@code default: 1.50} is SQL text). YAML aliases ({@code *x}) stand for the node anchored
     * as {@code &x} before them, and a merge key ({@code <<: *x}) adds that mapping's keys to the enclosing one.
     */
    private static final class TreeReader {
        private final String file;
        private final Format format;
        private final JsonParser p;
        private final LinearYamlFactory.Parser yaml;
        private final Map<String, Anchored> anchors = new HashMap<>();
        // nodes in the tree read so far, and those of them that aliases stand for
        private long nodes;
        private long aliasNodes;

        private record Anchored(JsonNode node, long nodes) {
        }

        TreeReader(String file, Format format, JsonParser p) {
            this.file = file;
            this.format = format;
            this.p = p;
            this.yaml = p instanceof LinearYamlFactory.Parser y ? y : null;
        }

        JsonNode read(JsonToken token) throws IOException {
            String anchor = anchor();
            long before = nodes;
            JsonNode node = readNode(token);
            if (anchor != null) {
                anchors.put(anchor, new Anchored(node, nodes - before));
            }
            return node;
        }

        private JsonNode readNode(JsonToken token) throws IOException {
            if (token == null) {
                throw syntaxError(file, format, "unexpected end of input", p.currentLocation());
            }
            String alias = yaml == null ? null : yaml.alias();
            if (alias != null) {
                return alias(alias);
            }
            nodes++;
            switch (token) {
                case START_OBJECT: {
                    ObjectNode object = NODES.objectNode();
                    JsonToken t;
                    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonLocation keyLocation = p.currentTokenLocation();
                        String keyAnchor = anchor();
                        if (keyAnchor != null) {
                            anchors.put(keyAnchor, new Anchored(NODES.textNode(key), 1));
                        }
                        JsonNode value = read(p.nextToken());
                        if (yaml != null && key.equals("<<")) {
                            merge(object, value, keyLocation);
                        } else {
                            put(object, key, value, keyLocation);
                        }
                    }
                    if (t != JsonToken.END_OBJECT) {
                        throw syntaxError(file, format, "unexpected " + t, p.currentTokenLocation());
                    }
                    return object;
                }
                case START_ARRAY: {
                    ArrayNode array = NODES.arrayNode();
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        array.add(read(t));
                    }
                    return array;
                }
                case VALUE_STRING:
                    return NODES.textNode(p.getText());
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    // no field of the format is numeric: in JSON a number is always a type error, so only the node
                    // type matters (a double never overflows); in YAML it is SQL text such as "0" or "1.50"
                    return format == Format.YAML ? NODES.textNode(p.getText()) : NODES.numberNode(p.getDoubleValue());
                case VALUE_TRUE:
                    return NODES.booleanNode(true);
                case VALUE_FALSE:
                    return NODES.booleanNode(false);
                case VALUE_NULL:
                    return NODES.nullNode();
                case VALUE_EMBEDDED_OBJECT:
                    // e.g. a YAML !!binary scalar; keep its text
                    return NODES.textNode(p.getText());
                default:
                    throw syntaxError(file, format, "unexpected " + token, p.currentTokenLocation());
            }
        }

        private String anchor() {
            return yaml == null ? null : yaml.anchor();
        }

        private JsonNode alias(String name) {
            Anchored anchored = anchors.get(name);
            if (anchored == null) {
                throw syntaxError(file, format, "invalid alias " + name, p.currentTokenLocation());
            }
            aliasNodes += anchored.nodes();
            if (aliasNodes > MAX_ALIAS_NODES) {
                throw syntaxError(file, format, "aliases expand to more than " + MAX_ALIAS_NODES + " nodes",
                        p.currentTokenLocation());
            }
            nodes += anchored.nodes();
            return anchored.node();
        }

        private void merge(ObjectNode object, JsonNode value, JsonLocation at) {
            if (!value.isObject()) {
                throw syntaxError(file, format, "found field '<<' but value isn't a map", at);
            }
            value.properties().forEach(e -> put(object, e.getKey(), e.getValue(), at));
        }

        private void put(ObjectNode object, String key, JsonNode value, JsonLocation at) {
            if (object.has(key)) {
                throw syntaxError(file, format, "duplicate key \"" + key + "\"", at);
            }
            object.set(key, value);
        }
    }

    private static MigrationFileException syntaxError(String file, Format format, String reason, JsonLocation at) {
        return new MigrationFileException(file, null, "invalid " + format.label + ": " + reason + location(at));
    }

    private static MigrationFileException syntaxError(String file, Format format, JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        String where = location(e.getLocation());
        // YAML errors carry SnakeYAML's own, more precise, problem mark
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked) {
                reason = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
                Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
                if (mark != null) {
                    where = " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
                }
                break;
            }
        }
        return new MigrationFileException(file, null, "invalid " + format.label + ": " + shorten(reason) + where, e);
    }

    private static String shorten(String reason) {
        if (reason == null || reason.isBlank()) {
            return "syntax error";
        }
        String line = reason.strip().lines().findFirst().orElse("");
        line = JACKSON_LOCATION.matcher(line).replaceAll("");
        line = SNAKEYAML_EVENT.matcher(line).replaceAll("$1");
        return line.isBlank() ? "syntax error" : line.strip();
    }

    private static String location(JsonLocation at) {
        if (at == null || at.getLineNr() <= 0) {
            return "";
        }
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
