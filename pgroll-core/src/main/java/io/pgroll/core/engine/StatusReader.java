package io.pgroll.core.engine;

import io.pgroll.core.Status;
import io.pgroll.core.state.MigrationRecord;
import java.util.Optional;

/** The state of the target schema's migrations, telling a running start or complete from an interrupted one. */
final class StatusReader {
    private final EngineContext engine;
    private final SchemaLock lock;

    StatusReader(EngineContext engine, SchemaLock lock) {
        this.engine = engine;
        this.lock = lock;
    }

    Status read() {
        Optional<String> version = engine.state().latestVersion(engine.schema());
        if (version.isEmpty()) {
            return new Status(engine.schema(), "", Status.NO_MIGRATIONS);
        }
        Optional<MigrationRecord> active = engine.state().activeMigration(engine.schema());
        if (active.isEmpty()) {
            return new Status(engine.schema(), version.get(), Status.COMPLETE, null,
                    engine.drift(engine.state().readSchema(engine.schema())));
        }
        Optional<Journal.Entry> entry = engine.journal(active.get().name()).read();
        String note = null;
        if (entry.isEmpty() || entry.get().phase() != Journal.Phase.STARTED) {
            boolean completing = entry.isPresent() && entry.get().phase() == Journal.Phase.COMPLETING;
            String command = (completing ? "complete" : "start") + " of \"" + active.get().name() + "\"";
            if (!lock.tryLock()) {
                note = command + " is running";
            } else {
                lock.unlock();
                note = command + " was interrupted: " + (completing ? "run complete again to finish it"
                        : "run start again with the same migration to resume it, or roll it back");
            }
        }
        return new Status(engine.schema(), version.get(), Status.IN_PROGRESS, note);
    }
}
