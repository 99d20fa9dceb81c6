package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import io.pgroll.core.schema.Column;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Hidden copies of columns, for changes old clients must not see (type, constraints, nullability). The copy
 * {@code _pgroll_new_<c>} carries what the original had: column privileges, default, comment, NOT NULL (as a NOT
 * VALID check), checks, unique constraints, foreign keys and indexes, each under a {@code _pgroll_dup_} name. At
 * complete the copy's constraints are validated while clients keep working, then one short transaction swaps the
 * copy in: the original is dropped and every copied object gets its original name back.
 */
public final class Duplication {
    private static final String NULL_DEFAULT_PREFIX = "CASE WHEN false THEN CAST(NULL AS ";
    private static final Pattern INDEX_DEFINITION = Pattern.compile("(?s)^CREATE (?:UNIQUE )?INDEX .*? ON .*? USING (.*)$");

    private Duplication() {
    }

    /**
     * Plans copies of some columns of a table at start and points the virtual columns at them.
     *
     * @param newTypes           virtual column name to its new type (absent: same type)
     * @param excludedConstraint a constraint not to carry over because it is being dropped, or null
     * @param dropNotNull        columns whose NOT NULL is not carried over
     */
    public static Copies start(PlanContext ctx, Table t, List<String> columns, Map<String, String> newTypes,
                               String excludedConstraint, Set<String> dropNotNull) {
        String table = ctx.qualified(t.physicalName());
        Map<String, String> originals = new LinkedHashMap<>();
        List<String> notNull = new ArrayList<>();
        for (String name : columns) {
            Column col = t.column(name).orElseThrow();
            String copy = Names.newColumn(name);
            String type = newTypes.getOrDefault(name, col.type());
            if (col.physicalName().equals(copy)) {
                changeCopyAgain(ctx, table, col, copy, type, dropNotNull.contains(name));
                continue;
            }
            originals.put(name, col.physicalName());
            List<String> statements = new ArrayList<>();
            statements.add("ALTER TABLE " + table + " ADD COLUMN " + Sql.ident(copy) + " " + type);
            statements.add(Grants.toCopy(table, col.physicalName(), copy));
            if (col.comment() != null) {
                statements.add("COMMENT ON COLUMN " + table + "." + Sql.ident(copy) + " IS " + Sql.literal(col.comment()));
            }
            if (!col.nullable() && !dropNotNull.contains(name)) {
                notNull.add(notNullCheck(ctx, t, name, copy));
            }
            ctx.addFilledColumn(statements.toArray(String[]::new));
            ctx.derive(Derived.Kind.COLUMN, t.physicalName(), copy, "the copy of column \"" + name + "\" of table \""
                    + t.name() + "\" that the new version uses");
            if (col.defaultValue() != null && isNullDefault(col.defaultValue())) {
                col.setDefaultValue(null); // the copy gets no default, so the view needs none either
            } else if (col.defaultValue() != null) {
                ctx.addFilledColumn(tolerant("ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(copy) + " SET DEFAULT "
                        + col.defaultValue(), "default of column " + name));
                if (!type.equals(col.type())) {
                    // Whether the old default fits the new type is only known when the statement runs; a view column
                    // without a default falls back to the copy's, so the new version gets it exactly when it was kept.
                    col.setDefaultValue(null);
                }
            }
            col.setPhysicalName(copy);
            col.setType(type);
            if (dropNotNull.contains(name)) {
                col.setNullable(true);
            }
        }
        return new Copies(t, table, originals, notNull, excludedConstraint);
    }

    /**
     * Copies made by {@link #start} whose constraints and indexes are still to be carried over.
     *
     * @param originals virtual name to the original physical column of each column copied by this call
     * @param notNull   the NOT VALID checks standing in for the originals' NOT NULL
     */
    public record Copies(Table table, String tableSql, Map<String, String> originals, List<String> notNull,
                         String excludedConstraint) {
    }

    /**
     * Gives the copies the originals' NOT NULL, checks, unique constraints, foreign keys and indexes. Call it once the
     * sync triggers are in place: from then on every write fills the copies, so their constraints hold for old
     * clients' writes too.
     */
    public static void carryOver(PlanContext ctx, Copies copies) {
        if (!copies.notNull().isEmpty()) {
            ctx.sql(copies.notNull().toArray(String[]::new));
        }
        if (!copies.originals().isEmpty()) {
            copyConstraintsAndIndexes(ctx, copies.table(), copies.tableSql(), copies.originals(),
                    copies.excludedConstraint());
        }
    }

    /**
     * A default that yields NULL, for a version whose column has no default while the physical column still has one
     * (alter_column {@code default: null} planned without a copy). A view column without a default falls back to the
     * table column's default, and PostgreSQL keeps no default at all for a plain NULL constant, so the NULL is hidden
     * in a CASE that is not folded when the default is stored.
     */
    public static String nullDefault(String type) {
        return NULL_DEFAULT_PREFIX + type + ") END";
    }

    /** Whether a virtual default is {@link #nullDefault}: a copy then gets no default at all. */
    static boolean isNullDefault(String defaultValue) {
        return defaultValue.startsWith(NULL_DEFAULT_PREFIX);
    }

    /** The same column changed twice in one migration: the copy exists (still empty), so change it in place. */
    private static void changeCopyAgain(PlanContext ctx, String table, Column col, String copy, String type,
                                        boolean dropNotNull) {
        if (!type.equals(col.type())) {
            // The copy may carry a default that does not fit the new type; like at the first copy, it is then dropped
            // with a warning, and the view falls back to whatever default the copy keeps.
            String alter = "ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(copy) + " TYPE " + type + " USING NULL";
            ctx.changeFilledColumn(doBlock("BEGIN\n  " + alter + ";\nEXCEPTION WHEN datatype_mismatch THEN\n  RAISE WARNING "
                    + "'pgroll: % not carried over to the new column: %', " + Sql.literal("default of column " + col.name())
                    + ", SQLERRM;\n  ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(copy) + " DROP DEFAULT;\n  "
                    + alter + ";\nEND;"));
            col.setType(type);
            col.setDefaultValue(null);
        }
        if (dropNotNull) {
            ctx.changeFilledColumn("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS "
                    + Sql.ident(Names.notNullCheck(col.name())));
            col.setNullable(true);
        }
    }

    /** The NOT VALID check that makes the copy reject NULLs until complete turns it into a real NOT NULL. */
    public static String notNullCheck(PlanContext ctx, Table t, String column, String physicalColumn) {
        ctx.derive(Derived.Kind.CONSTRAINT, t.physicalName(), Names.notNullCheck(column), "the NOT NULL check of "
                + "column \"" + column + "\" of table \"" + t.name() + "\" in the new version");
        return "ALTER TABLE " + ctx.qualified(t.physicalName()) + " ADD CONSTRAINT " + Sql.ident(Names.notNullCheck(column))
                + " CHECK (" + Sql.ident(physicalColumn) + " IS NOT NULL) NOT VALID";
    }

    private static void copyConstraintsAndIndexes(PlanContext ctx, Table t, String table, Map<String, String> originals,
                                                  String excluded) {
        Map<String, String> physical = new LinkedHashMap<>();
        t.visibleColumns().forEach(c -> physical.put(c.name(), c.physicalName()));
        for (Constraints.Check check : List.copyOf(t.checks().values())) {
            if (copies(check, originals, excluded)) {
                String definition = substitute(check.definition(), originals);
                String name = copyOf(ctx, t, Derived.Kind.CONSTRAINT, "check constraint", check.name());
                ctx.sql(tolerant("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(name) + " " + definition
                        + " NOT VALID", "check constraint " + check.name()));
                t.checks().put(name, new Constraints.Check(name, check.columns(), definition, check.noInherit()));
            }
        }
        for (Constraints.Unique unique : List.copyOf(t.uniques().values())) {
            if (copies(unique, originals, excluded)) {
                String name = copyOf(ctx, t, Derived.Kind.RELATION, "unique constraint", unique.name());
                // Rebuilt from the backing index's definition when known, to keep INCLUDE, storage parameters and
                // NULLS NOT DISTINCT; else from the columns.
                Constraints.Index backing = t.indexes().get(unique.name());
                Matcher m = backing == null || backing.definition() == null ? null
                        : INDEX_DEFINITION.matcher(backing.definition());
                String body = m != null && m.matches() ? "USING " + substitute(m.group(1), originals)
                        : "(" + Sql.identList(unique.columns().stream().map(physical::get).toList()) + ")";
                ctx.outsideTransaction("CREATE UNIQUE INDEX CONCURRENTLY " + Sql.ident(name) + " ON "
                        + table + " " + body, dropIndex(ctx, name));
                t.uniques().put(name, new Constraints.Unique(name, unique.columns()));
            }
        }
        for (Constraints.ForeignKey fk : List.copyOf(t.foreignKeys().values())) {
            if (copies(fk, originals, excluded)) {
                String name = copyOf(ctx, t, Derived.Kind.CONSTRAINT, "foreign key", fk.name());
                ctx.sql(tolerant(addForeignKeyLike(table, name, "FOREIGN KEY ("
                        + Sql.identList(fk.columns().stream().map(physical::get).toList()) + ") "
                        + foreignKeyTarget(ctx, fk.referencedTable(), fk.referencedColumns(), fk), table, fk.name()),
                        "foreign key " + fk.name()));
                t.foreignKeys().put(name, new Constraints.ForeignKey(name, fk.columns(), fk.referencedTable(),
                        fk.referencedColumns(), fk.matchType(), fk.onDelete(), fk.onUpdate()));
            }
        }
        for (Constraints.Index index : ctx.catalog().expressionIndexes(ctx.targetSchema(), t.physicalName())) {
            t.indexes().putIfAbsent(index.name(), index);
        }
        for (Constraints.Index index : List.copyOf(t.indexes().values())) {
            if (index.name().startsWith(Names.PREFIX) || index.name().equals(excluded)
                    || t.uniques().containsKey(index.name()) || t.excludes().containsKey(index.name())
                    || index.definition() == null) {
                continue;
            }
            Matcher m = INDEX_DEFINITION.matcher(index.definition());
            if (!m.matches()) {
                continue;
            }
            // Not only key columns: dropping the original also drops an index that names it in an expression, an
            // INCLUDE list or the predicate, so such an index needs its copy too.
            List<String> touched = new ArrayList<>(index.columns());
            originals.forEach((virtual, physicalName) -> {
                if (!touched.contains(virtual) && mentions(m.group(1), physicalName)) {
                    touched.add(virtual);
                }
            });
            if (touched.stream().noneMatch(originals::containsKey)) {
                continue;
            }
            String name = copyOf(ctx, t, Derived.Kind.RELATION, "index", index.name());
            ctx.outsideTransaction("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY "
                    + Sql.ident(name) + " ON " + table + " USING " + substitute(m.group(1), originals),
                    dropIndex(ctx, name));
            t.indexes().put(name, new Constraints.Index(name, index.unique(), false, touched,
                    index.predicate(), index.method(), null));
        }
    }

    /** The name of the copy of a constraint or index, declared as derived. */
    private static String copyOf(PlanContext ctx, Table t, Derived.Kind kind, String what, String original) {
        String name = Names.copy(original);
        ctx.derive(kind, t.physicalName(), name, "the copy of " + what + " \"" + original + "\" of table \""
                + t.name() + "\" for the new version");
        return name;
    }

    /** Whether the SQL names the column (outside string literals). */
    private static boolean mentions(String sql, String column) {
        return !Sql.renameIdentifier(sql, column, column + "_").equals(sql);
    }

    private static boolean copies(Constraints.Named object, Map<String, String> originals, String excluded) {
        return !object.name().startsWith(Names.PREFIX) && !object.name().equals(excluded)
                && object.columns().stream().anyMatch(originals::containsKey);
    }

    /** The SQL with each original column replaced by its copy. */
    private static String substitute(String sql, Map<String, String> originals) {
        String out = sql;
        for (Map.Entry<String, String> e : originals.entrySet()) {
            out = Sql.renameIdentifier(out, e.getValue(), Names.newColumn(e.getKey()));
        }
        return out;
    }

    private static String foreignKeyTarget(PlanContext ctx, String referencedTable, List<String> referencedColumns,
                                           Constraints.ForeignKey fk) {
        return "REFERENCES " + ctx.qualified(referencedTable) + " (" + Sql.identList(referencedColumns) + ")"
                + " MATCH " + ColumnSql.upper(fk.matchType(), "SIMPLE")
                + " ON DELETE " + ColumnSql.upper(fk.onDelete(), "NO ACTION")
                + " ON UPDATE " + ColumnSql.upper(fk.onUpdate(), "NO ACTION");
    }

    /**
     * A PL/pgSQL statement adding a NOT VALID foreign key that is deferrable like the one it copies: the virtual schema
     * does not know deferrability (read_schema does not report it), so it is read from the catalog when it runs.
     */
    private static String addForeignKeyLike(String table, String name, String definition, String originalTable,
                                            String original) {
        return "EXECUTE " + Sql.literal("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(name) + " " + definition)
                + " || " + deferral(originalTable, original) + " || ' NOT VALID'";
    }

    /** SQL for the constraint's {@code DEFERRABLE INITIALLY ...} clause as the catalog has it; empty if not deferrable. */
    private static String deferral(String table, String constraint) {
        return "COALESCE((SELECT CASE WHEN condeferrable THEN ' DEFERRABLE INITIALLY ' || CASE WHEN condeferred "
                + "THEN 'DEFERRED' ELSE 'IMMEDIATE' END END FROM pg_constraint WHERE conrelid = "
                + Sql.literal(table) + "::regclass AND conname = " + Sql.literal(constraint) + "), '')";
    }

    private static String dropIndex(PlanContext ctx, String name) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), name);
    }

    /**
     * A statement whose failure because the new type does not fit (a default or check written for the old type) only
     * drops that object from the copy, with a warning, as the old type's object makes no sense for the new one.
     */
    static String tolerant(String statement, String what) {
        String body = "BEGIN\n  " + statement + ";\nEXCEPTION WHEN datatype_mismatch OR undefined_function "
                + "OR invalid_text_representation OR cannot_coerce THEN\n  RAISE WARNING 'pgroll: % not carried over "
                + "to the new column: %', " + Sql.literal(what) + ", SQLERRM;\nEND;";
        return doBlock(body);
    }

    static String doBlock(String body) {
        return "DO " + Sql.dollarQuote(body);
    }

    /**
     * Plans the contract phase for copies made by {@link #start}: validation of the copies' NOT VALID constraints,
     * foreign keys of other tables moved onto the copies, then one transaction that drops the originals, renames the
     * copies and their objects into place and runs {@code swapStatements} (the trigger drops) with them.
     */
    public static void complete(PlanContext ctx, Table t, List<String> columns, List<String> swapStatements) {
        String table = ctx.qualified(t.physicalName());
        List<String> copies = columns.stream().map(Names::newColumn).toList();
        for (String c : columns) {
            ctx.sql(moveSequenceOwnership(table, c, Names.newColumn(c)));
        }
        ctx.sql(validateConstraints(table, copies));
        List<Inbound> inbound = inboundForeignKeys(ctx, t, columns);
        for (Inbound in : inbound) {
            ctx.sql(doBlock("BEGIN\n  " + addForeignKeyLike(in.table(), Names.copy(in.fk().name()), "FOREIGN KEY ("
                    + Sql.identList(in.fk().columns()) + ") "
                    + foreignKeyTarget(ctx, t.physicalName(), in.referencedCopies(), in.fk()), in.table(), in.fk().name())
                    + ";\nEND;"));
            ctx.sql("ALTER TABLE " + in.table() + " VALIDATE CONSTRAINT " + Sql.ident(Names.copy(in.fk().name())));
        }

        List<String> swap = new ArrayList<>(swapStatements);
        for (Inbound in : inbound) {
            swap.add("ALTER TABLE " + in.table() + " DROP CONSTRAINT IF EXISTS " + Sql.ident(in.fk().name()));
        }
        // Dropping the originals drops their unique and primary key constraints, and a constraint cannot be made
        // deferrable after it was added: each one's deferrability is kept in a transaction-local setting for its
        // re-creation below.
        List<Constraints.Named> copied = copiedObjects(t, columns);
        Map<String, String> deferralSetting = new LinkedHashMap<>();
        for (Constraints.Named object : copied) {
            if (object instanceof Constraints.Unique || backsPrimaryKey(t, object)) {
                String setting = "pgroll.deferral_" + deferralSetting.size();
                deferralSetting.put(object.name(), setting);
                swap.add("SELECT set_config(" + Sql.literal(setting) + ", " + deferral(table, original(t, object))
                        + ", true)");
            }
        }
        for (String c : columns) {
            ctx.dropping(Dropped.column(t.physicalName(), c));
            swap.add("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + Sql.ident(c));
        }
        for (String c : columns) {
            swap.add("ALTER TABLE " + table + " RENAME COLUMN " + Sql.ident(Names.newColumn(c)) + " TO " + Sql.ident(c));
            Column col = ctx.column(t, c).orElseThrow();
            if (!col.nullable()) {
                swap.add("ALTER TABLE " + table + " ALTER COLUMN " + Sql.ident(c) + " SET NOT NULL");
                swap.add("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + Sql.ident(Names.notNullCheck(c)));
            }
            col.setPhysicalName(c);
        }
        for (Constraints.Named object : copied) {
            String original = original(t, object);
            if (object instanceof Constraints.Check || object instanceof Constraints.ForeignKey) {
                swap.add(renameConstraintIfExists(table, object.name(), original));
            } else if (object instanceof Constraints.Unique) {
                swap.add("ALTER INDEX IF EXISTS " + Sql.qualified(ctx.targetSchema(), object.name()) + " RENAME TO "
                        + Sql.ident(original));
                swap.add(reattach(table, original, "UNIQUE", deferralSetting.get(object.name())));
            } else if (object instanceof Constraints.Index index) {
                swap.add("ALTER INDEX IF EXISTS " + Sql.qualified(ctx.targetSchema(), index.name()) + " RENAME TO "
                        + Sql.ident(original));
                if (backsPrimaryKey(t, object)) {
                    swap.add(reattach(table, original, "PRIMARY KEY", deferralSetting.get(object.name())));
                }
            }
        }
        for (Inbound in : inbound) {
            swap.add("ALTER TABLE " + in.table() + " RENAME CONSTRAINT " + Sql.ident(Names.copy(in.fk().name())) + " TO "
                    + Sql.ident(in.fk().name()));
        }
        ctx.sql(swap.toArray(String[]::new));
        forgetCopies(t, columns);
    }

    /** Re-creates a unique or primary key constraint on its renamed index, deferrable as the original was. */
    private static String reattach(String table, String name, String kind, String deferralSetting) {
        return doBlock("BEGIN\n  EXECUTE " + Sql.literal("ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(name)
                + " " + kind + " USING INDEX " + Sql.ident(name)) + " || current_setting("
                + Sql.literal(deferralSetting) + ");\nEND;");
    }

    /** Whether a copied object is the copy of the index behind the primary key. */
    private static boolean backsPrimaryKey(Table t, Constraints.Named copied) {
        return copied instanceof Constraints.Index index && index.unique() && index.columns().equals(t.primaryKey())
                && isPrimaryKeyIndex(t, original(t, copied));
    }

    /** The first unique index over exactly the primary key columns is the one that backs the primary key. */
    private static boolean isPrimaryKeyIndex(Table t, String indexName) {
        return t.indexes().values().stream()
                .filter(i -> i.unique() && i.columns().equals(t.primaryKey()) && !i.name().startsWith(Names.PREFIX))
                .findFirst().map(i -> i.name().equals(indexName)).orElse(false);
    }

    private static List<Constraints.Named> copiedObjects(Table t, List<String> columns) {
        List<Constraints.Named> out = new ArrayList<>();
        for (Collection<? extends Constraints.Named> group : List.of(t.checks().values(), t.foreignKeys().values(),
                t.uniques().values(), t.indexes().values())) {
            group.stream().filter(o -> Names.isCopy(o.name()) && o.columns().stream().anyMatch(columns::contains))
                    .forEach(out::add);
        }
        return out;
    }

    /** The name of the constraint or index that {@code copy} is a copy of. */
    private static String original(Table t, Constraints.Named copy) {
        return Stream.of(t.checks(), t.foreignKeys(), t.uniques(), t.indexes())
                .flatMap(group -> group.keySet().stream())
                .filter(name -> !Names.isCopy(name) && Names.copy(name).equals(copy.name()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no original of " + copy.name()));
    }

    private static void forgetCopies(Table t, List<String> columns) {
        for (Constraints.Named copied : copiedObjects(t, columns)) {
            t.checks().remove(copied.name());
            t.foreignKeys().remove(copied.name());
            t.uniques().remove(copied.name());
            t.indexes().remove(copied.name());
        }
    }

    public static String renameConstraintIfExists(String table, String from, String to) {
        return doBlock("BEGIN\n  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + Sql.literal(table)
                + "::regclass AND conname = " + Sql.literal(from) + ") THEN\n    ALTER TABLE " + table
                + " RENAME CONSTRAINT " + Sql.ident(from) + " TO " + Sql.ident(to) + ";\n  END IF;\nEND;");
    }

    /** Serial columns: the sequence must belong to the copy, or dropping the original would drop it. */
    private static String moveSequenceOwnership(String table, String column, String copy) {
        return doBlock("DECLARE\n  seq text := pg_get_serial_sequence(" + Sql.literal(table) + ", " + Sql.literal(column)
                + ");\nBEGIN\n  IF seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                + Sql.literal(table) + "::regclass AND attname = " + Sql.literal(column) + " AND attidentity <> '') THEN\n"
                + "    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', seq, " + Sql.literal(table) + ", "
                + Sql.literal(copy) + ");\n  END IF;\nEND;");
    }

    /**
     * Validates, once the backfill has filled them, the foreign keys that the operation just planned added NOT VALID
     * on the new version of {@code columns} (virtual names): a dangling reference fails the start, which is then undone,
     * and after start the foreign keys are valid, as pgroll's are. Validation takes no lock that stops writes.
     */
    public static void validateForeignKeys(PlanContext ctx, Table t, List<String> columns) {
        boolean any = t.foreignKeys().values().stream().anyMatch(fk -> fk.columns().stream().anyMatch(columns::contains));
        if (any) {
            List<String> physical = columns.stream().map(c -> t.column(c).orElseThrow().physicalName()).toList();
            ctx.afterBackfill(validateConstraints(ctx.qualified(t.physicalName()), physical, "'f'"));
        }
    }

    /** Validates every NOT VALID check and foreign key on the copies; reads and writes go on meanwhile. */
    private static String validateConstraints(String table, List<String> copies) {
        return validateConstraints(table, copies, "'c', 'f'");
    }

    private static String validateConstraints(String table, List<String> copies, String types) {
        String names = copies.stream().map(Sql::literal).collect(Collectors.joining(", "));
        return doBlock("DECLARE\n  r record;\nBEGIN\n  FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = "
                + Sql.literal(table) + "::regclass AND NOT convalidated AND contype IN (" + types + ") AND conkey && "
                + "(SELECT array_agg(attnum) FROM pg_attribute WHERE attrelid = " + Sql.literal(table)
                + "::regclass AND attname IN (" + names + ")) LOOP\n    EXECUTE format('ALTER TABLE %s VALIDATE "
                + "CONSTRAINT %I', " + Sql.literal(table) + ", r.conname);\n  END LOOP;\nEND;");
    }

    private record Inbound(String table, Constraints.ForeignKey fk, List<String> referencedCopies) {
    }

    /** Foreign keys of other tables that reference the columns being replaced. */
    private static List<Inbound> inboundForeignKeys(PlanContext ctx, Table t, List<String> columns) {
        List<Inbound> out = new ArrayList<>();
        for (Table other : ctx.schema().visibleTables()) {
            if (other == t) {
                continue;
            }
            for (Constraints.ForeignKey fk : other.foreignKeys().values()) {
                if (Objects.equals(fk.referencedTable(), t.physicalName())
                        && fk.referencedColumns().stream().anyMatch(columns::contains)) {
                    List<String> target = fk.referencedColumns().stream()
                            .map(c -> columns.contains(c) ? Names.newColumn(c) : c).toList();
                    out.add(new Inbound(ctx.qualified(other.physicalName()), fk, target));
                    ctx.moving(other.physicalName(), fk.name());
                }
            }
        }
        return out;
    }

    /** Plans the undo of {@link #start}: dropping a copy drops every object made for it. */
    public static void rollback(PlanContext ctx, Table t, List<String> columns, List<String> extraStatements) {
        List<String> statements = new ArrayList<>();
        for (String c : columns) {
            ctx.dropping(Dropped.column(t.physicalName(), Names.newColumn(c)));
            statements.add("ALTER TABLE " + ctx.qualified(t.physicalName()) + " DROP COLUMN IF EXISTS "
                    + Sql.ident(Names.newColumn(c)));
        }
        statements.addAll(extraStatements);
        ctx.sql(statements.toArray(String[]::new));
    }
}
