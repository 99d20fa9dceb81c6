package io.pgroll.cli;

import io.pgroll.core.Status;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show the migration status of the schema as JSON.")
final class StatusCommand extends BaseCommand {

    @Override
    public Integer call() {
        Status status = root().withPgRoll(pgroll -> pgroll.status());
        println(toJson(status));
        return 0;
    }

    /**
     * Two-space indented JSON with lowercase keys, as pgroll prints it; a {@code note} key is added only when a start
     * or complete is running or was interrupted, a {@code drift} list only when the schema changed outside pgroll.
     */
    static String toJson(Status status) {
        return "{\n"
                + "  \"schema\": " + Json.string(status.schema()) + ",\n"
                + "  \"version\": " + Json.string(status.version()) + ",\n"
                + "  \"status\": " + Json.string(status.status())
                + (status.note() == null ? "" : ",\n  \"note\": " + Json.string(status.note()))
                + (status.drift().isEmpty() ? "" : ",\n  \"drift\": [\n" + String.join(",\n",
                        status.drift().stream().map(d -> "    " + Json.string(d)).toList()) + "\n  ]") + "\n"
                + "}";
    }
}
