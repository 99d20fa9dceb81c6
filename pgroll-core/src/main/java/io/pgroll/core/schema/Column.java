package io.pgroll.core.schema;

import java.util.List;

/**
 * A column of the virtual schema: the name clients of a version see, mapped to the physical column that holds it.
 * Mutable because operations reshape the virtual schema as they are planned.
 */
public final class Column {
    private String name;
    private String physicalName;
    private String type;
    private String defaultValue;
    private boolean nullable;
    private boolean unique;
    private String comment;
    private List<String> enumValues;
    private boolean deleted;

    public Column(String name, String physicalName, String type, String defaultValue, boolean nullable,
                  boolean unique, String comment, List<String> enumValues) {
        this.name = name;
        this.physicalName = physicalName;
        this.type = type;
        this.defaultValue = defaultValue;
        this.nullable = nullable;
        this.unique = unique;
        this.comment = comment;
        this.enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }

    public Column copy() {
        Column c = new Column(name, physicalName, type, defaultValue, nullable, unique, comment, enumValues);
        c.deleted = deleted;
        return c;
    }

    public String name() {
        return name;
    }

    public void rename(String newName) {
        this.name = newName;
    }

    public String physicalName() {
        return physicalName;
    }

    public void setPhysicalName(String physicalName) {
        this.physicalName = physicalName;
    }

    public String type() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    public boolean nullable() {
        return nullable;
    }

    public void setNullable(boolean nullable) {
        this.nullable = nullable;
    }

    public boolean unique() {
        return unique;
    }

    public void setUnique(boolean unique) {
        this.unique = unique;
    }

    public String comment() {
        return comment;
    }

    public void setComment(String comment) {
        this.comment = comment;
    }

    public List<String> enumValues() {
        return enumValues;
    }

    public boolean deleted() {
        return deleted;
    }

    public void setDeleted(boolean deleted) {
        this.deleted = deleted;
    }
}
