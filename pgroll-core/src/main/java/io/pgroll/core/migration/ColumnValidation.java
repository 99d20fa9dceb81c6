package io.pgroll.core.migration;

import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;

/** Checks shared by create_table and add_column for one column definition. */
final class ColumnValidation {

    private ColumnValidation() {
    }

    /**
     * @param creating the table being created when the column belongs to a create_table (it may reference itself),
     *                 else null
     */
    static void validate(ValidationContext ctx, String field, Column column, CreateTable creating) {
        if (column.check() != null) {
            ctx.requireIdentifier(field + ".check.name", column.check().name());
            if (column.check().constraint() == null || column.check().constraint().isBlank()) {
                throw ctx.error(field + ".check.constraint", "required");
            }
        }
        ForeignKeyReference ref = column.references();
        if (ref != null) {
            ctx.requireIdentifier(field + ".references.name", ref.name());
            if (creating != null && ref.table().equals(creating.name())) {
                if (creating.columns().stream().noneMatch(c -> c.name().equals(ref.column()))) {
                    throw ctx.error(field + ".references.column", "column \"" + ref.column()
                            + "\" does not exist on table \"" + ref.table() + "\"");
                }
            } else {
                Table target = ctx.requireTable(field + ".references.table", ref.table());
                ctx.requireColumn(field + ".references.column", target, ref.column());
            }
        }
    }
}
