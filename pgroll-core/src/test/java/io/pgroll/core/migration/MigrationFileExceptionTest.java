package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pgroll.core.PgRollException;
import org.junit.jupiter.api.Test;

class MigrationFileExceptionTest {

    @Test
    void messageWithPath() {
        var e = new MigrationFileException("02_add.yaml", "operations[1].add_column.column.type", "required");
        assertEquals("02_add.yaml: operations[1].add_column.column.type: required", e.getMessage());
        assertEquals("02_add.yaml", e.file());
        assertEquals("operations[1].add_column.column.type", e.path());
        assertEquals("required", e.detail());
        assertInstanceOf(PgRollException.class, e);
    }

    @Test
    void messageWithoutPath() {
        assertEquals("01.json: invalid JSON: oops", new MigrationFileException("01.json", null, "invalid JSON: oops")
                .getMessage());
        var empty = new MigrationFileException("01.json", "", "bad");
        assertEquals("01.json: bad", empty.getMessage());
        assertNull(empty.path());
    }
}
