package io.pgroll.core.engine;

import io.pgroll.core.PgRollConfig;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Derived;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Schema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a migration before it starts: each operation against the virtual schema as the earlier ones leave it, the
 * version schema's name, and the names of everything the start would create, which must not be taken by objects
 * that are not pgroll's. Errors name the file, the operation and the field.
 */
final class MigrationValidator {
    private final PgRollConfig config;
    private final Catalog catalog;

    MigrationValidator(PgRollConfig config, Catalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    private String schema() {
        return config.schema();
    }

    /** Validates a migration against {@code schema}, the virtual schema it starts from. */
    void validate(Migration m, Schema schema) {
        String file = m.name();
        List<Operation> ops = m.operations();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof RawSql sql && sql.isolated() && ops.size() > 1) {
                throw new MigrationFileException(file, "operations[" + i + "].sql",
                        "operation \"sql\" cannot be executed with other operations");
            }
        }
        String vs = schema() + "_" + m.version();
        if (config.useVersionSchema()) {
            requireUsableVersionSchema(m, vs);
        }
        PlanContext dryRun = new PlanContext(schema, schema(), vs, catalog);
        Map<String, Derived> created = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            op.validate(new ValidationContext(schema, catalog, file, i, op.key()));
            op.start(dryRun);
            dryRun.drainSteps();
            requireFree(file, i, op, dryRun.drainDerived(), created);
        }
    }

    /**
     * The version schema's name must be one PostgreSQL keeps whole, that clients can put in {@code search_path} as it
     * is (a comma would split it in two; quotes, backslashes and white space are mangled on the way through a
     * connection URL's {@code options}), and one that no existing schema has: pgroll drops its version schemas with
     * everything in them.
     */
    private void requireUsableVersionSchema(Migration m, String vs) {
        String field = m.versionSchema() == null ? null : "version_schema";
        Names.versionSchemaProblem(vs).ifPresent(problem -> {
            throw new MigrationFileException(m.name(), field, problem);
        });
        Derived schemaObject = new Derived(Derived.Kind.SCHEMA, null, vs, "the version schema");
        catalog.existing(schema(), schemaObject).ifPresent(existing -> {
            throw new MigrationFileException(m.name(), field, "cannot create the version schema \"" + vs + "\": "
                    + existing + " already exists; pgroll never takes over an object it did not create (rename or drop "
                    + "it, or set version_schema)");
        });
    }

    /**
     * Refuses objects an operation would create under names already taken, by an object that is not pgroll's or by
     * another object of the same migration ({@code created} collects the migration's objects so far).
     */
    void requireFree(String file, int index, Operation op, List<Derived> objects, Map<String, Derived> created) {
        String where = "operations[" + index + "]." + op.key();
        for (Derived object : objects) {
            Derived earlier = created.putIfAbsent(object.key(), object);
            if (earlier != null && !earlier.purpose().equals(object.purpose())) {
                throw new MigrationFileException(file, where, "cannot create " + object.purpose() + " as \""
                        + object.name() + "\": the migration also creates " + earlier.purpose() + " under that name");
            }
            if (earlier == null) {
                catalog.existing(schema(), object).ifPresent(existing -> {
                    throw new MigrationFileException(file, where, "cannot create " + object.purpose() + " as \""
                            + object.name() + "\": " + existing + " already exists; pgroll never takes over an object "
                            + "it did not create (rename or drop it)");
                });
            }
        }
    }
}
