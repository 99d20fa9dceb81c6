package io.pgroll.cli;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollException;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationTemplates;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.OperationType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "create", description = {"Create a new migration file <name>.yaml (or .json) in the current directory.",
        "On a terminal, asks for the name (unless --name is given) and for the operations to add (unless --empty),"
                + " each written with its required fields as <placeholders> to fill in. Without a terminal, --name is"
                + " needed and the migration has no operations. An existing file is never overwritten."})
final class CreateCommand extends BaseCommand {

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Migration name (the file name without"
            + " extension)")
    String name;

    @Option(names = {"-e", "--empty"}, description = "Create the migration without operations (operations: [])")
    boolean empty;

    @Option(names = {"-j", "--json"}, description = "Write a JSON file instead of YAML")
    boolean json;

    @Override
    public Integer call() {
        Path dir = env().cwd();
        boolean terminal = env().interactive();
        if (name == null) {
            if (!terminal) {
                throw new PgRollException("no migration name: pass --name NAME (create asks for it only on a terminal)");
            }
            name = askName(dir);
        } else {
            MigrationTemplates.checkNew(dir, name, json);
        }
        List<Operation> operations = terminal && !empty ? askOperations() : List.of();
        Path file = PgRoll.create(dir, name, operations, json);
        println("Migration written to " + env().display(file));
        return 0;
    }

    private String askName(Path dir) {
        while (true) {
            String answer = ask("Migration name: ");
            if (answer == null) {
                tell("");
                throw new PgRollException("no migration name given; nothing written");
            }
            answer = answer.strip();
            try {
                MigrationTemplates.checkNew(dir, answer, json);
                return answer;
            } catch (MigrationFileException e) {
                tell(e.getMessage());
            }
        }
    }

    private List<Operation> askOperations() {
        List<OperationType> offered = MigrationTemplates.offered();
        tell("Operations:");
        for (int i = 0; i < offered.size(); i++) {
            tell(String.format(Locale.ROOT, "%4d  %s", i + 1, offered.get(i).key()));
        }
        List<Operation> operations = new ArrayList<>();
        while (true) {
            String answer = ask("Operation to add (number or name; an empty line when done): ");
            if (answer == null || answer.isBlank()) {
                if (answer == null) {
                    tell("");
                }
                return operations;
            }
            OperationType type = choice(answer.strip(), offered);
            if (type == null) {
                tell("Unknown operation \"" + answer.strip() + "\": give a number from 1 to " + offered.size()
                        + " or an operation name");
                continue;
            }
            operations.add(MigrationTemplates.skeleton(type));
            tell("Added " + type.key() + (type.deprecated() ? " (deprecated in pgroll)" : "") + "; fill in its"
                    + " <placeholders> in the file");
        }
    }

    /** The operation type an answer names, by its number in {@code offered} or by key (deprecated ones too). */
    private static OperationType choice(String answer, List<OperationType> offered) {
        if (answer.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(answer);
                return n >= 1 && n <= offered.size() ? offered.get(n - 1) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return OperationType.byKey(answer.toLowerCase(Locale.ROOT)).orElse(null);
    }

    private void tell(String line) {
        env().err().println(line);
    }
}
