package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The sample migrations parse and cover the operations they are meant to show. */
class ExamplesTest {

    @Test
    void allExamplesParseInOrder() {
        List<String> names = MigrationReader.readDirectory(Examples.dir()).stream().map(Migration::name).toList();
        // the README's quick start and the end-to-end tests build on the first seven
        assertEquals(List.of("01_create_library_tables", "02_add_book_pages", "03_rename_author_name",
                        "04_index_books_by_author", "05_create_loans_with_sql", "06_drop_book_published_flag",
                        "07_rename_authors_to_writers"), names.subList(0, 7));
        for (int i = 0; i < names.size(); i++) {
            assertTrue(names.get(i).startsWith(String.format("%02d_", i + 1)), "numbering gap at " + names.get(i));
        }
    }

    @Test
    void examplesUseTheStepOneOperations() {
        Set<String> types = MigrationReader.readDirectory(Examples.dir()).stream()
                .flatMap(m -> m.operations().stream()).map(op -> op.key()).collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of("create_table", "add_column", "rename_column", "create_index", "sql",
                "drop_column", "rename_table")), types.toString());
    }
}
