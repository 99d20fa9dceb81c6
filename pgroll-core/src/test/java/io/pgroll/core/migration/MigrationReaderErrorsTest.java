package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every category of file-level error, with the exact one-line messages. */
class MigrationReaderErrorsTest {

    private static MigrationFileException fail(String fileName, String content) {
        return assertThrows(MigrationFileException.class, () -> MigrationReader.parse(fileName, content));
    }

    private static void assertError(String expected, String fileName, String content) {
        assertEquals(expected, fail(fileName, content).getMessage());
    }

    /** A JSON migration with the given operations array content. */
    private static String ops(String operations) {
        return "{\"operations\":[" + operations + "]}";
    }

    // ---- top level -----------------------------------------------------------------------------------------------

    @Test
    void topLevelNameIsRejected() {
        assertError("01_x.json: name: unknown field", "01_x.json", "{\"name\":\"01_x\",\"operations\":[]}");
        assertError("01_x.yaml: name: unknown field", "01_x.yaml", "name: 01_x\noperations: []\n");
    }

    @Test
    void topLevelErrors() {
        assertError("a.json: operations: required", "a.json", "{}");
        assertError("a.json: operations: required", "a.json", "{\"operations\":null}");
        assertError("a.json: operations: expected an array", "a.json", "{\"operations\":{}}");
        assertError("a.yaml: operations: expected an array", "a.yaml", "operations: x\n");
        assertError("a.json: version_schema: expected a string", "a.json", "{\"version_schema\":1,\"operations\":[]}");
        assertError("a.json: expected an object with an \"operations\" array", "a.json", "[]");
        assertError("a.yaml: expected an object with an \"operations\" array", "a.yaml", "just text\n");
        assertError("a.json: operations: at least one operation is required", "a.json", "{\"operations\":[]}");
        assertError("a.yaml: operations: at least one operation is required", "a.yaml", "operations: []\n");
        assertError("a.yml: operations: at least one operation is required", "a.yml",
                "version_schema: v1\noperations: []\n");
    }

    @Test
    void storedMigrationsMayHaveNoOperations() {
        // pgroll's baseline rows in the state store
        assertEquals(new Migration("01_baseline", null, List.of()),
                MigrationReader.fromJson("01_baseline", "{\"operations\":[]}"));
        assertEquals(new Migration("01_baseline", null, List.of()),
                MigrationWriter.fromJson("01_baseline", "{\"operations\":[]}"));
    }

    // ---- operation objects ---------------------------------------------------------------------------------------

    @Test
    void operationMustHaveExactlyOneKey() {
        assertError("02.json: operations[2]: expected exactly one operation type, found 2 keys", "02.json",
                ops("{\"drop_table\":{\"name\":\"a\"}},{\"drop_table\":{\"name\":\"b\"}},"
                        + "{\"drop_table\":{\"name\":\"c\"},\"drop_index\":{\"name\":\"i\"}}"));
        assertError("02.json: operations[0]: expected exactly one operation type, found 0 keys", "02.json",
                ops("{}"));
        assertError("02.yaml: operations[0]: expected exactly one operation type, found 2 keys", "02.yaml", """
                operations:
                  - drop_table:
                      name: a
                    drop_index:
                      name: b
                """);
    }

    @Test
    void unknownOperationType() {
        assertError("02.json: operations[2]: unknown operation type \"foo\"", "02.json",
                ops("{\"drop_table\":{\"name\":\"a\"}},{\"drop_table\":{\"name\":\"b\"}},{\"foo\":{}}"));
        assertError("02.yaml: operations[0]: unknown operation type \"createTable\"", "02.yaml",
                "operations:\n  - createTable: {name: t}\n");
    }

    @Test
    void operationElementAndBodyMustBeObjects() {
        assertError("a.json: operations[0]: expected an object", "a.json", ops("\"drop_table\""));
        assertError("a.json: operations[0].drop_table: expected an object", "a.json", ops("{\"drop_table\":\"t\"}"));
        assertError("a.json: operations[0].drop_table: expected an object", "a.json", ops("{\"drop_table\":null}"));
    }

    // ---- unknown fields and wrong types --------------------------------------------------------------------------

    @Test
    void unknownFieldsAnywhere() {
        assertError("01.json: operations[0].create_table.columns[1].nulable: unknown field", "01.json",
                ops("{\"create_table\":{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"},"
                        + "{\"name\":\"b\",\"type\":\"int\",\"nulable\":true}]}}"));
        assertError("01.yaml: operations[0].alter_column.name: unknown field", "01.yaml",
                "operations:\n  - alter_column: {table: t, column: c, name: d}\n");
        assertError("01.yaml: operations[0].create_index.columns[0].opclass.parms: unknown field", "01.yaml",
                "operations:\n  - create_index: {name: i, table: t, columns: [{column: c, opclass: {parms: []}}]}\n");
        assertError("01.json: operations[0].create_table.constraints[0].references.name: unknown field", "01.json",
                ops("{\"create_table\":{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"}],"
                        + "\"constraints\":[{\"name\":\"fk\",\"type\":\"foreign_key\",\"columns\":[\"a\"],"
                        + "\"references\":{\"name\":\"x\",\"table\":\"u\",\"columns\":[\"id\"]}}]}}"));
    }

    @Test
    void wrongJsonTypes() {
        assertError("01.json: operations[0].add_column.column.nullable: expected a boolean", "01.json",
                ops("{\"add_column\":{\"table\":\"t\",\"column\":{\"name\":\"c\",\"type\":\"int\",\"nullable\":\"yes\"}}}"));
        assertError("01.yaml: operations[0].add_column.column.nullable: expected a boolean", "01.yaml",
                "operations:\n  - add_column: {table: t, column: {name: c, type: int, nullable: 'true'}}\n");
        assertError("01.yaml: operations[0].add_column.column.pk: expected a boolean", "01.yaml",
                "operations:\n  - add_column: {table: t, column: {name: c, type: int, pk: 1}}\n");
        assertError("01.json: operations[0].drop_table.name: expected a string", "01.json",
                ops("{\"drop_table\":{\"name\":1}}"));
        assertError("01.json: operations[0].drop_column.down: expected a string", "01.json",
                ops("{\"drop_column\":{\"table\":\"t\",\"column\":\"c\",\"down\":0}}"));
        assertError("01.json: operations[0].drop_table.name: expected a string", "01.json",
                ops("{\"drop_table\":{\"name\":true}}"));
        assertError("01.json: operations[0].drop_table.name: expected a string", "01.json",
                ops("{\"drop_table\":{\"name\":1e9999999999}}"));
        assertError("01.yaml: operations[0].drop_table.name: expected a string", "01.yaml",
                "operations:\n  - drop_table: {name: [a]}\n");
        assertError("01.json: operations[0].create_table.columns: expected an array", "01.json",
                ops("{\"create_table\":{\"name\":\"t\",\"columns\":{\"name\":\"c\"}}}"));
        assertError("01.json: operations[0].add_column.column: expected an object", "01.json",
                ops("{\"add_column\":{\"table\":\"t\",\"column\":\"c\"}}"));
        assertError("01.json: operations[0].create_constraint.up.a: expected a string", "01.json",
                ops("{\"create_constraint\":{\"table\":\"t\",\"name\":\"u\",\"type\":\"unique\",\"up\":{\"a\":1},"
                        + "\"down\":{}}}"));
        assertError("01.json: operations[0].create_table.constraints[0].columns[1]: expected a string", "01.json",
                ops("{\"create_table\":{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"}],"
                        + "\"constraints\":[{\"name\":\"u\",\"type\":\"unique\",\"columns\":[\"a\",null]}]}}"));
        assertError("01.json: operations[0].alter_column.default: expected a string or null", "01.json",
                ops("{\"alter_column\":{\"table\":\"t\",\"column\":\"c\",\"default\":0}}"));
        assertError("01.json: operations[0].sql.onComplete: expected a boolean", "01.json",
                ops("{\"sql\":{\"up\":\"select 1\",\"onComplete\":\"true\"}}"));
    }

    // ---- required fields -----------------------------------------------------------------------------------------

    @Test
    void requiredFieldMessage() {
        assertError("02_add.yaml: operations[1].add_column.column.type: required", "02_add.yaml", """
                operations:
                  - drop_table: {name: old}
                  - add_column:
                      table: t
                      column:
                        name: c
                """);
        assertError("02_add.json: operations[0].add_column.table: required", "02_add.json",
                ops("{\"add_column\":{\"table\":\"\",\"column\":{\"name\":\"c\",\"type\":\"int\"}}}"));
        assertError("02_add.json: operations[0].add_column.table: required", "02_add.json",
                ops("{\"add_column\":{\"table\":null,\"column\":{\"name\":\"c\",\"type\":\"int\"}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            operations[0].create_table.name                        | {create_table: {columns: []}}
            operations[0].create_table.columns                     | {create_table: {name: t}}
            operations[0].create_table.columns[0].name             | {create_table: {name: t, columns: [{type: int}]}}
            operations[0].create_table.columns[0].type             | {create_table: {name: t, columns: [{name: c, type: ''}]}}
            operations[0].create_table.columns[0].check.name       | {create_table: {name: t, columns: [{name: c, type: int, check: {constraint: c > 0}}]}}
            operations[0].create_table.columns[0].check.constraint | {create_table: {name: t, columns: [{name: c, type: int, check: {name: k}}]}}
            operations[0].create_table.columns[0].references.name  | {create_table: {name: t, columns: [{name: c, type: int, references: {table: u, column: id}}]}}
            operations[0].create_table.columns[0].references.table | {create_table: {name: t, columns: [{name: c, type: int, references: {name: f, column: id}}]}}
            operations[0].create_table.columns[0].references.column | {create_table: {name: t, columns: [{name: c, type: int, references: {name: f, table: u}}]}}
            operations[0].create_table.constraints[0].name         | {create_table: {name: t, columns: [], constraints: [{type: unique}]}}
            operations[0].create_table.constraints[0].type         | {create_table: {name: t, columns: [], constraints: [{name: u}]}}
            operations[0].create_table.constraints[0].references.table   | {create_table: {name: t, columns: [], constraints: [{name: f, type: foreign_key, references: {columns: [id]}}]}}
            operations[0].create_table.constraints[0].references.columns | {create_table: {name: t, columns: [], constraints: [{name: f, type: foreign_key, references: {table: u}}]}}
            operations[0].add_column.table                         | {add_column: {column: {name: c, type: int}}}
            operations[0].add_column.column                        | {add_column: {table: t}}
            operations[0].alter_column.table                       | {alter_column: {column: c, type: int}}
            operations[0].alter_column.column                      | {alter_column: {table: t, type: int}}
            operations[0].alter_column.unique.name                 | {alter_column: {table: t, column: c, unique: {}}}
            operations[0].rename_column.table                      | {rename_column: {from: a, to: b}}
            operations[0].rename_column.from                       | {rename_column: {table: t, to: b}}
            operations[0].rename_column.to                         | {rename_column: {table: t, from: a}}
            operations[0].rename_table.from                        | {rename_table: {to: b}}
            operations[0].rename_table.to                          | {rename_table: {from: a}}
            operations[0].drop_table.name                          | {drop_table: {}}
            operations[0].drop_column.table                        | {drop_column: {column: c}}
            operations[0].drop_column.column                       | {drop_column: {table: t}}
            operations[0].create_index.name                        | {create_index: {table: t, columns: [{column: c}]}}
            operations[0].create_index.table                       | {create_index: {name: i, columns: [{column: c}]}}
            operations[0].create_index.columns                     | {create_index: {name: i, table: t}}
            operations[0].create_index.columns[0].column           | {create_index: {name: i, table: t, columns: [{sort: ASC}]}}
            operations[0].drop_index.name                          | {drop_index: {name: ''}}
            operations[0].create_constraint.table                  | {create_constraint: {name: u, type: unique, up: {}, down: {}}}
            operations[0].create_constraint.name                   | {create_constraint: {table: t, type: unique, up: {}, down: {}}}
            operations[0].create_constraint.type                   | {create_constraint: {table: t, name: u, up: {}, down: {}}}
            operations[0].create_constraint.up                     | {create_constraint: {table: t, name: u, type: unique, down: {}}}
            operations[0].create_constraint.down                   | {create_constraint: {table: t, name: u, type: unique, up: {}}}
            operations[0].drop_constraint.table                    | {drop_constraint: {name: c, down: x}}
            operations[0].drop_constraint.name                     | {drop_constraint: {table: t, down: x}}
            operations[0].drop_constraint.down                     | {drop_constraint: {table: t, name: c}}
            operations[0].drop_multicolumn_constraint.table        | {drop_multicolumn_constraint: {name: c, down: {}}}
            operations[0].drop_multicolumn_constraint.name         | {drop_multicolumn_constraint: {table: t, down: {}}}
            operations[0].drop_multicolumn_constraint.down         | {drop_multicolumn_constraint: {table: t, name: c}}
            operations[0].rename_constraint.table                  | {rename_constraint: {from: a, to: b}}
            operations[0].rename_constraint.from                   | {rename_constraint: {table: t, to: b}}
            operations[0].rename_constraint.to                     | {rename_constraint: {table: t, from: a}}
            operations[0].sql.up                                   | {sql: {down: x}}
            operations[0].set_replica_identity.table               | {set_replica_identity: {identity: {type: full}}}
            operations[0].set_replica_identity.identity            | {set_replica_identity: {table: t}}
            operations[0].set_replica_identity.identity.type       | {set_replica_identity: {table: t, identity: {index: i}}}
            """)
    void requiredFields(String path, String yamlOperation) {
        assertError("r.yaml: " + path + ": required", "r.yaml", "operations:\n  - " + yamlOperation + "\n");
    }

    // ---- enumerated values ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            operations[0].create_table.columns[0].references.on_delete  | NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT (case-insensitive) | {create_table: {name: t, columns: [{name: c, type: int, references: {name: f, table: u, column: id, on_delete: DELETE}}]}}
            operations[0].alter_column.references.on_update             | NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT (case-insensitive) | {alter_column: {table: t, column: c, references: {name: f, table: u, column: id, on_update: NOTHING}}}
            operations[0].alter_column.references.match_type            | SIMPLE, FULL, PARTIAL (case-insensitive) | {alter_column: {table: t, column: c, references: {name: f, table: u, column: id, match_type: NONE}}}
            operations[0].create_constraint.references.on_delete        | NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT (case-insensitive) | {create_constraint: {table: t, name: f, type: foreign_key, columns: [a], references: {table: u, columns: [id], on_delete: SETNULL}, up: {}, down: {}}}
            operations[0].create_table.constraints[0].references.match_type | SIMPLE, FULL, PARTIAL (case-insensitive) | {create_table: {name: t, columns: [], constraints: [{name: f, type: foreign_key, references: {table: u, columns: [id], match_type: X}}]}}
            operations[0].create_table.constraints[0].type              | unique, check, primary_key, foreign_key, exclude | {create_table: {name: t, columns: [], constraints: [{name: f, type: UNIQUE}]}}
            operations[0].create_constraint.type                        | unique, check, foreign_key, primary_key | {create_constraint: {table: t, name: e, type: exclude, up: {}, down: {}}}
            operations[0].create_index.columns[0].sort                  | ASC, DESC (case-insensitive) | {create_index: {name: i, table: t, columns: [{column: c, sort: UP}]}}
            operations[0].create_index.columns[0].nulls                 | FIRST, LAST (case-insensitive) | {create_index: {name: i, table: t, columns: [{column: c, nulls: NONE}]}}
            operations[0].create_index.method                           | btree, hash, gist, spgist, gin, brin | {create_index: {name: i, table: t, columns: [{column: c}], method: bloom}}
            operations[0].add_column.column.generated.identity.user_specified_values | ALWAYS, BY DEFAULT (case-insensitive) | {add_column: {table: t, column: {name: c, type: int, generated: {identity: {user_specified_values: SOMETIMES}}}}}
            operations[0].set_replica_identity.identity.type            | nothing, default, index, full (case-insensitive) | {set_replica_identity: {table: t, identity: {type: partial}}}
            """)
    void enumeratedValues(String path, String allowed, String yamlOperation) {
        MigrationFileException e = fail("e.yaml", "operations:\n  - " + yamlOperation + "\n");
        assertEquals(path, e.path());
        assertTrue(e.detail().startsWith("invalid value \""), e.getMessage());
        assertTrue(e.detail().endsWith("expected one of: " + allowed), e.getMessage());
    }

    @Test
    void enumeratedValueMessage() {
        assertError("03.json: operations[0].create_index.method: invalid value \"bloom\", expected one of: "
                        + "btree, hash, gist, spgist, gin, brin", "03.json",
                ops("{\"create_index\":{\"name\":\"i\",\"table\":\"t\",\"columns\":[{\"column\":\"c\"}],"
                        + "\"method\":\"bloom\"}}"));
    }

    @Test
    void enumeratedValuesAreCaseInsensitiveWhereSqlIs() {
        MigrationReader.parse("ok.yaml", """
                operations:
                  - create_index: {name: i, table: t, columns: [{column: c, sort: desc, nulls: First}]}
                  - set_replica_identity: {table: t, identity: {type: NOTHING}}
                  - alter_column:
                      table: t
                      column: c
                      references: {name: f, table: u, column: id, on_delete: set default, on_update: Cascade,
                                   match_type: partial}
                  - add_column:
                      table: t
                      column: {name: c, type: int, generated: {identity: {user_specified_values: by default}}}
                """);
    }

    // ---- cross-field rules ---------------------------------------------------------------------------------------

    @Test
    void generatedExpressionAndIdentityAreExclusive() {
        assertError("g.yaml: operations[0].create_table.columns[0].generated: expression and identity are mutually "
                + "exclusive", "g.yaml", """
                operations:
                  - create_table:
                      name: t
                      columns:
                        - name: c
                          type: int
                          generated:
                            expression: 1 + 1
                            identity: {user_specified_values: ALWAYS}
                """);
    }

    @Test
    void sqlDownIsNotAllowedWithOnComplete() {
        assertError("s.json: operations[0].sql: down is not allowed with onComplete", "s.json",
                ops("{\"sql\":{\"up\":\"select 1\",\"down\":\"select 2\",\"onComplete\":true}}"));
        MigrationReader.parse("s.json", ops("{\"sql\":{\"up\":\"select 1\",\"down\":\"select 2\",\"onComplete\":false}}"));
    }

    // ---- syntax errors -------------------------------------------------------------------------------------------

    @Test
    void malformedJson() {
        MigrationFileException e = fail("bad.json", "{\n  \"operations\": [\n    {\"drop_table\": {\"name\": \"t\"}},\n  ]\n}");
        assertTrue(e.getMessage().startsWith("bad.json: invalid JSON: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(line 4, column 3)"), e.getMessage());
        assertSingleLineWithoutInternals(e);

        MigrationFileException truncated = fail("bad.json", "{\"operations\": [");
        assertTrue(truncated.getMessage().startsWith("bad.json: invalid JSON: "), truncated.getMessage());
        assertSingleLineWithoutInternals(truncated);

        assertError("bad.json: invalid JSON: empty document", "bad.json", "  \n");
        assertError("bad.json: invalid JSON: unexpected content after the top-level value (line 1, column 19)",
                "bad.json", "{\"operations\":[]} {}");
        assertError("bad.json: invalid JSON: duplicate key \"operations\" (line 1, column 19)",
                "bad.json", "{\"operations\":[], \"operations\":[]}");
    }

    @Test
    void malformedYaml() {
        MigrationFileException e = fail("bad.yaml", "operations:\n  - drop_table: {name: t\n  - x: y\n");
        assertTrue(e.getMessage().startsWith("bad.yaml: invalid YAML: "), e.getMessage());
        assertTrue(e.getMessage().matches(".*\\(line \\d+, column \\d+\\)$"), e.getMessage());
        assertSingleLineWithoutInternals(e);

        MigrationFileException tabs = fail("bad.yml", "operations:\n\t- drop_table: {name: t}\n");
        assertTrue(tabs.getMessage().startsWith("bad.yml: invalid YAML: "), tabs.getMessage());
        assertSingleLineWithoutInternals(tabs);

        assertError("bad.yaml: invalid YAML: empty document", "bad.yaml", "# nothing here\n");
        assertError("bad.yaml: invalid YAML: duplicate key \"table\" (line 4, column 7)", "bad.yaml", """
                operations:
                  - drop_column:
                      table: a
                      table: b
                      column: c
                """);
        MigrationFileException twoDocs = fail("bad.yaml", "operations: []\n---\noperations: []\n");
        assertTrue(twoDocs.getMessage().startsWith("bad.yaml: invalid YAML: multiple YAML documents are not supported"),
                twoDocs.getMessage());
    }

    private static void assertSingleLineWithoutInternals(MigrationFileException e) {
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertFalse(message.contains("Source:"), message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(message.contains("at com."), message);
    }

    // ---- file names ----------------------------------------------------------------------------------------------

    @Test
    void unsupportedExtension() {
        assertError("01_init.sql: unsupported file extension, expected .json, .yaml or .yml", "01_init.sql",
                "select 1");
        assertError("01_init: unsupported file extension, expected .json, .yaml or .yml", "01_init", "{}");
    }

    @Test
    void errorsNameTheBaseName() {
        assertError("02_add.json: operations: required", "some/dir/02_add.json", "{}");
    }
}
