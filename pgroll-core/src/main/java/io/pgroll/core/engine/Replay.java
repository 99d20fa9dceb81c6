package io.pgroll.core.engine;

import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Memo;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.state.MigrationRecord;
import java.util.ArrayList;
import java.util.List;

/** The virtual schema a start produced, with the names each operation saw right after its own start. */
record Replay(PlanContext ctx, List<Schema.NameSnapshot> names) {

    /**
     * Rebuilds the virtual schema the active migration's start produced, by planning its operations again on the
     * schema as it was before the start (kept in the active row; for a migration started by the Go tool, the
     * previous migration's resulting schema).
     */
    static Replay of(EngineContext engine, Migration m, MigrationRecord active, Catalog planningCatalog) {
        String baseJson = active.resultingSchemaJson();
        if (isEmptyObject(baseJson)) {
            baseJson = active.parent() == null ? null
                    : engine.state().get(engine.schema(), active.parent()).map(MigrationRecord::resultingSchemaJson)
                    .orElse(null);
        }
        return of(engine, m, baseJson, planningCatalog, engine.journal(m.name()).memo());
    }

    /** The virtual schema a start of {@code m} on {@code baseJson} (a read_schema result) produces. */
    static Replay of(EngineContext engine, Migration m, String baseJson, Catalog planningCatalog, Memo memo) {
        PlanContext ctx = new PlanContext(Schema.fromJson(engine.schema(), baseJson), engine.schema(),
                engine.versionSchema(m), planningCatalog, memo);
        List<Schema.NameSnapshot> names = new ArrayList<>();
        for (Operation op : m.operations()) {
            op.start(ctx);
            names.add(ctx.schema().snapshotNames());
        }
        ctx.drainSteps();
        ctx.drainDerived();
        return new Replay(ctx, names);
    }

    private static boolean isEmptyObject(String json) {
        return json == null || json.replaceAll("\\s", "").equals("{}");
    }
}
