package io.pgroll.cli;

import io.pgroll.convert.Converter;
import io.pgroll.core.PgRollException;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", description = "Convert SQL statements (from FILE, or standard input) to a migration, "
        + "printed on standard output; what cannot be converted faithfully becomes a sql operation.")
final class ConvertCommand extends BaseCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "SQL file (default: standard input)")
    String file;

    @Option(names = {"-j", "--json"}, description = "Print JSON instead of YAML")
    boolean json;

    @Override
    public Integer call() {
        String sql;
        try {
            sql = file == null ? new String(env().in().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(env().resolve(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PgRollException(file + ": no such file");
        } catch (IOException e) {
            throw new PgRollException((file == null ? "standard input" : file) + ": " + e.getMessage(), e);
        }
        Migration migration;
        try {
            migration = Converter.convert(sql);
        } catch (Converter.ConvertException e) {
            throw new PgRollException((file == null ? "" : file + ": ") + e.getMessage(), e);
        }
        env().out().print(json ? MigrationWriter.toJson(migration) : MigrationWriter.toYaml(migration));
        env().out().flush();
        return 0;
    }
}
