package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import io.pgroll.core.migration.Column;
import io.pgroll.core.migration.ForeignKeyReference;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.schema.Table;
import java.util.Locale;

/** SQL fragments for columns and foreign keys as written in migration files. */
public final class ColumnSql {

    private ColumnSql() {
    }

    /** A column definition for CREATE TABLE: type, nullability, default, generation, inline FK and check. */
    public static String definition(Column column, PlanContext ctx) {
        StringBuilder sql = new StringBuilder(Sql.ident(column.name())).append(' ').append(column.type());
        if (column.unique()) {
            sql.append(" UNIQUE");
        }
        boolean identity = column.generated() != null && column.generated().identity() != null;
        if (!column.nullable() && !identity) {
            sql.append(" NOT NULL");
        }
        if (column.defaultValue() != null) {
            sql.append(" DEFAULT ").append(column.defaultValue());
        }
        if (column.generated() != null) {
            if (column.generated().expression() != null) {
                sql.append(" GENERATED ALWAYS AS (").append(column.generated().expression()).append(") STORED");
            } else {
                String mode = column.generated().identity().userSpecifiedValues();
                sql.append(" GENERATED ").append(mode == null || mode.isBlank() ? "ALWAYS" : mode.toUpperCase(Locale.ROOT))
                        .append(" AS IDENTITY");
                String options = column.generated().identity().sequenceOptions();
                if (options != null && !options.isBlank()) {
                    sql.append(" (").append(options).append(')');
                }
            }
        }
        if (column.references() != null) {
            sql.append(" CONSTRAINT ").append(Sql.ident(column.references().name())).append(' ')
                    .append(references(column.references(), ctx.schema(), ctx));
        }
        if (column.check() != null) {
            sql.append(" CONSTRAINT ").append(Sql.ident(column.check().name()))
                    .append(" CHECK (").append(column.check().constraint()).append(')');
            if (column.check().noInherit()) {
                sql.append(" NO INHERIT");
            }
        }
        return sql.toString();
    }

    /** {@code REFERENCES "s"."t" ("c") MATCH .. ON DELETE .. ON UPDATE .. [DEFERRABLE ..]} for a column reference. */
    public static String references(ForeignKeyReference ref, Schema schema, PlanContext ctx) {
        Table target = schema.table(ref.table()).orElse(null);
        String physicalTable = target == null ? ref.table() : target.physicalName();
        String physicalColumn = target == null ? ref.column()
                : target.column(ref.column()).map(io.pgroll.core.schema.Column::physicalName).orElse(ref.column());
        StringBuilder sql = new StringBuilder("REFERENCES ").append(ctx.qualified(physicalTable))
                .append(" (").append(Sql.ident(physicalColumn)).append(')')
                .append(" MATCH ").append(upper(ref.matchType(), "SIMPLE"))
                .append(" ON DELETE ").append(upper(ref.onDelete(), "NO ACTION"))
                .append(" ON UPDATE ").append(upper(ref.onUpdate(), "NO ACTION"));
        if (ref.deferrable()) {
            sql.append(" DEFERRABLE INITIALLY ").append(ref.initiallyDeferred() ? "DEFERRED" : "IMMEDIATE");
        }
        return sql.toString();
    }

    /** The value upper-cased, or {@code fallback} when it is absent. */
    public static String upper(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.toUpperCase(Locale.ROOT);
    }
}
