package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** YAML specifics: scalar leniency, quoting, tri-state nulls. */
class MigrationReaderYamlTest {

    private static Operation single(String fileName, String yamlOperation) {
        return MigrationReader.parse(fileName, "operations:\n" + yamlOperation).operations().get(0);
    }

    @Test
    void unquotedNumbersAndBooleansForStringFieldsKeepTheirText() {
        AddColumn add = (AddColumn) single("01.yaml", """
                  - add_column:
                      table: t
                      up: 0
                      column:
                        name: c
                        type: numeric
                        default: 1.50
                """);
        assertEquals("0", add.up());
        assertEquals("1.50", add.column().defaultValue());

        DropColumn drop = (DropColumn) single("01.yaml", """
                  - drop_column: {table: t, column: c, down: 0}
                """);
        assertEquals("0", drop.down());

        AlterColumn alter = (AlterColumn) single("01.yml", """
                  - alter_column: {table: t, column: c, default: 10, comment: true}
                """);
        assertEquals(TriState.of("10"), alter.defaultValue());
        assertEquals(TriState.of("true"), alter.comment());

        RawSql sql = (RawSql) single("01.yml", """
                  - sql: {up: 0x1F, down: 007}
                """);
        assertEquals("0x1F", sql.up());
        assertEquals("007", sql.down());
    }

    @Test
    void booleansAreBooleans() {
        AddColumn add = (AddColumn) single("01.yaml", """
                  - add_column:
                      table: t
                      column: {name: c, type: text, nullable: true, unique: false}
                """);
        assertTrue(add.column().nullable());
        assertFalse(add.column().unique());
    }

    @Test
    void quotedDefaultLiteral() {
        AddColumn add = (AddColumn) single("01.yaml", """
                  - add_column:
                      table: t
                      up: "'it''s'"
                      column: {name: c, type: text, default: '''x'''}
                """);
        assertEquals("'x'", add.column().defaultValue());
        assertEquals("'it''s'", add.up());
    }

    @Test
    void triStateInYaml() {
        AlterColumn absent = (AlterColumn) single("01.yaml", "  - alter_column: {table: t, column: c, type: int}\n");
        assertEquals(TriState.ABSENT, absent.defaultValue());
        assertEquals(TriState.ABSENT, absent.comment());

        AlterColumn nulls = (AlterColumn) single("01.yaml", """
                  - alter_column:
                      table: t
                      column: c
                      default: null
                      comment: ~
                """);
        assertEquals(TriState.NULL, nulls.defaultValue());
        assertEquals(TriState.NULL, nulls.comment());

        AlterColumn empty = (AlterColumn) single("01.yaml", """
                  - alter_column:
                      table: t
                      column: c
                      default:
                      comment: ''
                """);
        assertEquals(TriState.NULL, empty.defaultValue());
        assertEquals(TriState.of(""), empty.comment());

        AlterColumn set = (AlterColumn) single("01.yaml", """
                  - alter_column: {table: t, column: c, default: "'a'", comment: "a comment"}
                """);
        assertEquals(TriState.of("'a'"), set.defaultValue());
        assertEquals(TriState.of("a comment"), set.comment());
    }

    @Test
    void triStateInJson() {
        String base = "{\"operations\":[{\"alter_column\":{\"table\":\"t\",\"column\":\"c\"%s}}]}";
        AlterColumn absent = (AlterColumn) MigrationReader.parse("1.json", base.formatted("")).operations().get(0);
        assertEquals(TriState.ABSENT, absent.defaultValue());
        assertEquals(TriState.ABSENT, absent.comment());
        AlterColumn nulls = (AlterColumn) MigrationReader.parse("1.json",
                base.formatted(",\"default\":null,\"comment\":null")).operations().get(0);
        assertEquals(TriState.NULL, nulls.defaultValue());
        assertEquals(TriState.NULL, nulls.comment());
        AlterColumn set = (AlterColumn) MigrationReader.parse("1.json",
                base.formatted(",\"default\":\"now()\",\"comment\":\"\"")).operations().get(0);
        assertEquals(TriState.of("now()"), set.defaultValue());
        assertEquals(TriState.of(""), set.comment());
    }

    @Test
    void explicitNullForOrdinaryFieldMeansAbsent() {
        AddColumn add = (AddColumn) single("01.yaml", """
                  - add_column: {table: t, up: null, column: {name: c, type: text, nullable: null, check: ~}}
                """);
        assertEquals(null, add.up());
        assertFalse(add.column().nullable());
        assertEquals(null, add.column().check());
    }

    @Test
    void flowAndBlockStylesAgree() {
        Migration block = MigrationReader.parse("a.yaml", """
                operations:
                  - rename_column:
                      table: t
                      from: a
                      to: b
                """);
        Migration flow = MigrationReader.parse("a.yml", "{operations: [{rename_column: {table: t, from: a, to: b}}]}");
        assertEquals(block, flow);
    }
}
