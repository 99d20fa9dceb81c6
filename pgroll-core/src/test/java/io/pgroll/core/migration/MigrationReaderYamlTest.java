package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML specifics: scalar leniency, quoting, tri-state nulls, anchors and aliases. */
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

    @Test
    void aliasesStandForTheAnchoredNode() {
        Migration m = MigrationReader.parse("01.yaml", """
                operations:
                  - create_table: &table
                      name: &name t
                      columns: [&id {name: id, type: int, pk: true}, {name: n, type: text, default: &zero 0}]
                  - drop_column: {table: *name, column: n, down: *zero}
                  - create_table: *table
                  - create_table: &copy {name: u, columns: [*id]}
                  - create_table: *copy
                """);
        CreateTable first = (CreateTable) m.operations().get(0);
        assertEquals("t", ((DropColumn) m.operations().get(1)).table());
        assertEquals("0", ((DropColumn) m.operations().get(1)).down());
        assertEquals(first, m.operations().get(2));
        assertEquals(List.of(first.columns().get(0)), ((CreateTable) m.operations().get(3)).columns());
        // the aliases inside an aliased node stand for their nodes too (Jackson's anchor replaying dropped them)
        assertEquals(m.operations().get(3), m.operations().get(4));
    }

    @Test
    void mergeKeysAddTheKeysOfAMapping() {
        Migration m = MigrationReader.parse("01.yaml", """
                operations:
                  - drop_column: &drop {table: t, column: a}
                  - drop_column: {<<: *drop, down: "'x'"}
                """);
        DropColumn merged = (DropColumn) m.operations().get(1);
        assertEquals("t", merged.table());
        assertEquals("a", merged.column());
        assertEquals("'x'", merged.down());
        MigrationFileException duplicate = assertThrows(MigrationFileException.class,
                () -> MigrationReader.parse("01.yaml", """
                        operations:
                          - drop_column: &drop {table: t, column: a}
                          - drop_column: {<<: *drop, column: b}
                        """));
        assertEquals("01.yaml: invalid YAML: duplicate key \"column\" (line 3, column 30)", duplicate.getMessage());
        MigrationFileException notAMap = assertThrows(MigrationFileException.class,
                () -> MigrationReader.parse("01.yaml", "operations:\n  - drop_column: {<<: [a], table: t}\n"));
        assertEquals("01.yaml: invalid YAML: found field '<<' but value isn't a map (line 2, column 19)",
                notAMap.getMessage());
    }

    @Test
    void aliasMustFollowItsAnchor() {
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationReader.parse("01.yaml", "operations:\n  - drop_table: {name: *t}\n  - x: &t y\n"));
        assertEquals("01.yaml: invalid YAML: invalid alias t (line 2, column 24)", e.getMessage());
    }

    @Test
    void aliasesCannotMultiplyWithoutBound() {
        // each level doubles the one before: 2^30 nodes from 30 lines
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i <= 30; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        MigrationFileException e = assertThrows(MigrationFileException.class,
                () -> MigrationReader.parse("01.yaml", yaml + "operations: [*a30]\n"));
        assertTrue(e.getMessage().startsWith("01.yaml: invalid YAML: aliases expand to more than "
                + MigrationReader.MAX_ALIAS_NODES + " nodes (line "), e.getMessage());
    }
}
