package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reflection metadata of a migration model record: its components with their file names (from
 * {@link JsonProperty}) in declaration order, and its canonical constructor. Shared by the reader and writer.
 */
final class RecordFields {

    /** One record component: its name in the file, its (generic) Java type and its accessor. */
    record Field(String jsonName, Class<?> rawType, Type genericType, Method accessor) {
        Object get(Object record) {
            try {
                return accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + accessor, e);
            }
        }
    }

    private static final ClassValue<RecordFields> CACHE = new ClassValue<>() {
        @Override
        protected RecordFields computeValue(Class<?> type) {
            return new RecordFields(type);
        }
    };

    private final Class<?> type;
    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final Constructor<?> constructor;

    private RecordFields(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        List<Field> list = new ArrayList<>(components.length);
        Class<?>[] parameterTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            JsonProperty property = c.getAccessor().getAnnotation(JsonProperty.class);
            if (property == null || property.value().isEmpty()) {
                throw new IllegalStateException("record component " + type.getSimpleName() + "." + c.getName()
                        + " has no @JsonProperty name");
            }
            list.add(new Field(property.value(), c.getType(), c.getGenericType(), c.getAccessor()));
            parameterTypes[i] = c.getType();
        }
        this.fields = List.copyOf(list);
        Map<String, Field> names = new java.util.LinkedHashMap<>();
        for (Field f : list) {
            names.put(f.jsonName(), f);
        }
        this.byName = Map.copyOf(names);
        try {
            this.constructor = type.getDeclaredConstructor(parameterTypes);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor for " + type, e);
        }
    }

    static RecordFields of(Class<?> type) {
        return CACHE.get(type);
    }

    List<Field> fields() {
        return fields;
    }

    boolean has(String jsonName) {
        return byName.containsKey(jsonName);
    }

    Object construct(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), cause);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
        }
    }
}
