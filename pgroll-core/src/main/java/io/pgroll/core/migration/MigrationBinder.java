package io.pgroll.core.migration;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a JSON tree to the migration model, strictly: unknown fields, wrong JSON types, missing required fields and
 * values outside the allowed sets are reported as {@link MigrationFileException}s naming the file and the path of the
 * offending value ({@code operations[1].add_column.column.type}). Record types are bound generically from their
 * components and {@code @JsonProperty} names; per-type rules live in {@link MigrationRules}.
 */
final class MigrationBinder {
    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("version_schema", "operations");

    private final String file;
    private final boolean lenientScalars;

    /**
     * @param file           the file name used in error messages
     * @param lenientScalars accept booleans where strings are expected, taking their text (YAML, where users write
     *                       {@code down: 0} or {@code default: true}; numbers already arrive as text)
     */
    MigrationBinder(String file, boolean lenientScalars) {
        this.file = file;
        this.lenientScalars = lenientScalars;
    }

    Migration bindMigration(String name, JsonNode root) {
        if (!root.isObject()) {
            throw error("", "expected an object with an \"operations\" array");
        }
        rejectUnknownFields(root, "", TOP_LEVEL_FIELDS::contains);
        JsonNode versionNode = root.get("version_schema");
        String versionSchema = versionNode == null || versionNode.isNull()
                ? null : string(versionNode, "version_schema");
        JsonNode operationsNode = root.get("operations");
        if (operationsNode == null || operationsNode.isNull()) {
            throw error("operations", "required");
        }
        if (!operationsNode.isArray()) {
            throw error("operations", "expected an array");
        }
        List<Operation> operations = new ArrayList<>(operationsNode.size());
        for (int i = 0; i < operationsNode.size(); i++) {
            operations.add(bindOperation(operationsNode.get(i), "operations[" + i + "]"));
        }
        return new Migration(name, versionSchema, operations);
    }

    private Operation bindOperation(JsonNode node, String path) {
        if (!node.isObject()) {
            throw error(path, "expected an object");
        }
        if (node.size() != 1) {
            throw error(path, "expected exactly one operation type, found " + node.size() + " keys");
        }
        String key = node.properties().iterator().next().getKey();
        OperationType type = OperationType.byKey(key)
                .orElseThrow(() -> error(path, "unknown operation type \"" + key + "\""));
        String opPath = path + "." + key;
        JsonNode body = node.get(key);
        if (!body.isObject()) {
            throw error(opPath, "expected an object");
        }
        return (Operation) bindRecord(type.recordType(), body, opPath);
    }

    private Object bindRecord(Class<?> type, JsonNode node, String path) {
        RecordFields meta = RecordFields.of(type);
        rejectUnknownFields(node, path, meta::has);
        List<RecordFields.Field> fields = meta.fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            RecordFields.Field field = fields.get(i);
            String fieldPath = join(path, field.jsonName());
            JsonNode valueNode = node.get(field.jsonName());
            Object value;
            if (valueNode == null) {
                value = absentValue(field.rawType());
            } else if (valueNode.isNull()) {
                // an explicit null means "absent", except for tri-state fields where it means "set to null"
                value = field.rawType() == TriState.class ? TriState.NULL : absentValue(field.rawType());
            } else {
                value = bindValue(field.genericType(), valueNode, fieldPath);
            }
            String problem = MigrationRules.checkField(type, field.jsonName(), value);
            if (problem != null) {
                throw error(fieldPath, problem);
            }
            values[i] = value;
        }
        Object record = meta.construct(values);
        String problem = MigrationRules.checkRecord(record);
        if (problem != null) {
            throw error(path, problem);
        }
        return record;
    }

    private Object bindValue(Type type, JsonNode node, String path) {
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            return string(node, path);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!node.isBoolean()) {
                throw error(path, "expected a boolean");
            }
            return node.booleanValue();
        }
        if (raw == TriState.class) {
            if (!isStringLike(node)) {
                throw error(path, "expected a string or null");
            }
            return TriState.of(node.asText());
        }
        if (raw == List.class) {
            if (!node.isArray()) {
                throw error(path, "expected an array");
            }
            Type elementType = typeArgument(type, 0);
            List<Object> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                list.add(bindValue(elementType, node.get(i), path + "[" + i + "]"));
            }
            return List.copyOf(list);
        }
        if (raw == Map.class) {
            if (!node.isObject()) {
                throw error(path, "expected an object");
            }
            Type valueType = typeArgument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), bindValue(valueType, e.getValue(), join(path, e.getKey())));
            }
            return Collections.unmodifiableMap(map);
        }
        if (raw.isRecord()) {
            if (!node.isObject()) {
                throw error(path, "expected an object");
            }
            return bindRecord(raw, node, path);
        }
        throw new IllegalStateException("unsupported field type " + type + " at " + path);
    }

    private String string(JsonNode node, String path) {
        if (!isStringLike(node)) {
            throw error(path, "expected a string");
        }
        return node.asText();
    }

    private boolean isStringLike(JsonNode node) {
        return node.isTextual() || (lenientScalars && node.isBoolean());
    }

    private void rejectUnknownFields(JsonNode node, String path, java.util.function.Predicate<String> known) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            if (!known.test(name)) {
                throw error(join(path, name), "unknown field");
            }
        }
    }

    private static Object absentValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == TriState.class) {
            return TriState.ABSENT;
        }
        return null;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        throw new IllegalStateException("unsupported field type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new IllegalStateException("raw collection type " + type);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private MigrationFileException error(String path, String message) {
        return new MigrationFileException(file, path, message);
    }
}
