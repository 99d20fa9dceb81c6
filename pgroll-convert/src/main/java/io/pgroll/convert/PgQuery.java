package io.pgroll.convert;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's own parser: libpg_query (PostgreSQL 17's grammar), compiled to WebAssembly by emscripten (the npm
 * package {@code libpg-query}, vendored as {@code libpg-query.wasm}) and run by Chicory, a WebAssembly runtime in pure
 * Java. {@link #parse} returns libpg_query's JSON parse tree. Not thread-safe: callers synchronise.
 *
 * <p>The module's imports are emscripten's, minified; their names come from the package's {@code libpg-query.js}
 * ({@code wasmImports} and {@code assignWasmExports}). setjmp/longjmp, which PostgreSQL's error handling
 * ({@code PG_TRY}/{@code ereport}) uses, are emscripten's {@code invoke_*} imports: they call a table function and,
 * when {@code _emscripten_throw_longjmp} unwinds it (here: a Java exception), restore the stack and call
 * {@code setThrew}.
 */
final class PgQuery {

    /** Thrown by {@code _emscripten_throw_longjmp}; caught by the {@code invoke_*} imports. */
    private static final class LongJmp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LongJmp() {
            super(null, null, false, false);
        }
    }

    /** A syntax error reported by the parser; {@code cursor} is the 0-based character offset, -1 if unknown. */
    static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;
        final int cursor;

        ParseError(String message, int cursor) {
            super(message);
            this.cursor = cursor;
        }
    }

    private static final WasmModule MODULE = load();

    private final Instance instance;
    private final Memory memory;
    private final ExportFunction parseQuery;
    private final ExportFunction malloc;
    private final ExportFunction free;
    private final ExportFunction freeParseResult;
    private final ExportFunction setThrew;
    private final ExportFunction stackRestore;
    private final ExportFunction stackGetCurrent;

    private static WasmModule load() {
        try (InputStream in = PgQuery.class.getResourceAsStream("libpg-query.wasm")) {
            if (in == null) {
                throw new IllegalStateException("libpg-query.wasm is missing from the class path");
            }
            return Parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    PgQuery() {
        Map<String, String> names = Map.ofEntries(
                Map.entry("a", "invoke_ii"), Map.entry("b", "exit"), Map.entry("c", "fd_write"),
                Map.entry("d", "fd_close"), Map.entry("e", "proc_exit"), Map.entry("f", "keepalive_clear"),
                Map.entry("g", "abort_js"), Map.entry("h", "invoke_v"), Map.entry("i", "invoke_i"),
                Map.entry("j", "setitimer_js"), Map.entry("k", "throw_longjmp"), Map.entry("l", "resize_heap"),
                Map.entry("m", "fd_read"), Map.entry("n", "fd_seek"), Map.entry("o", "invoke_iii"));
        List<ImportFunction> functions = new ArrayList<>();
        MODULE.importSection().stream().filter(i -> i.importType() == ExternalType.FUNCTION).forEach(i -> {
            FunctionType type = MODULE.typeSection().getType(((FunctionImport) i).typeIndex());
            String name = names.get(i.name());
            if (name == null) {
                throw new IllegalStateException("libpg-query.wasm imports an unknown function " + i.name());
            }
            functions.add(new HostFunction(i.module(), i.name(), type, (inst, args) -> host(name, inst, args)));
        });
        instance = Instance.builder(MODULE)
                .withImportValues(ImportValues.builder().withFunctions(functions).build())
                .build();
        memory = instance.memory();
        parseQuery = instance.export("r");
        malloc = instance.export("s");
        free = instance.export("u");
        freeParseResult = instance.export("v");
        setThrew = instance.export("x");
        stackRestore = instance.export("y");
        stackGetCurrent = instance.export("z");
        instance.export("q").apply(); // __wasm_call_ctors
    }

    private long[] host(String name, Instance inst, long[] args) {
        switch (name) {
            case "invoke_v":
            case "invoke_i":
            case "invoke_ii":
            case "invoke_iii": {
                long sp = stackGetCurrent.apply()[0];
                long[] callArgs = new long[args.length - 1];
                System.arraycopy(args, 1, callArgs, 0, callArgs.length);
                try {
                    int function = inst.table(0).requiredRef((int) args[0]);
                    long[] result = inst.getMachine().call(function, callArgs);
                    return name.equals("invoke_v") ? null : new long[] {result == null ? 0 : result[0]};
                } catch (LongJmp e) {
                    stackRestore.apply(sp);
                    setThrew.apply(1, 0);
                    return name.equals("invoke_v") ? null : new long[] {0};
                }
            }
            case "throw_longjmp":
                throw new LongJmp();
            case "resize_heap": {
                long requested = args[0] & 0xffffffffL;
                int pages = (int) ((requested + 65535) / 65536);
                int missing = pages - memory.pages();
                return new long[] {missing <= 0 || memory.grow(missing) >= 0 ? 1 : 0};
            }
            case "fd_write": {
                // discard the output (libpg_query writes nothing to stdout/stderr when parsing), report it written
                int iov = (int) args[1];
                int count = (int) args[2];
                int total = 0;
                for (int k = 0; k < count; k++) {
                    total += memory.readInt(iov + 8 * k + 4);
                }
                memory.writeI32((int) args[3], total);
                return new long[] {0};
            }
            case "fd_close":
            case "fd_read":
            case "fd_seek":
                return new long[] {70}; // ESPIPE/ENOSYS: there are no files
            case "setitimer_js":
                return new long[] {0};
            case "keepalive_clear":
                return null;
            case "exit":
            case "proc_exit":
            case "abort_js":
            default:
                throw new IllegalStateException("libpg_query aborted (" + name + ")");
        }
    }

    /** libpg_query's JSON parse tree of {@code sql} ({@code {"version":..,"stmts":[..]}}). */
    String parse(String sql) throws ParseError {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        int query = (int) malloc.apply(bytes.length + 1)[0];
        memory.write(query, bytes);
        memory.writeByte(query + bytes.length, (byte) 0);
        int result = 0;
        try {
            result = (int) parseQuery.apply(query)[0];
            if (result == 0) {
                throw new IllegalStateException("libpg_query could not allocate its result");
            }
            int tree = memory.readInt(result);
            int error = memory.readInt(result + 8);
            if (error != 0) {
                int message = memory.readInt(error);
                int cursor = memory.readInt(error + 16); // 1-based, in characters; 0 if unknown
                throw new ParseError(message == 0 ? "syntax error" : memory.readCString(message),
                        cursor <= 0 ? -1 : cursor - 1);
            }
            return memory.readCString(tree);
        } finally {
            free.apply(query);
            if (result != 0) {
                freeParseResult.apply(result);
            }
        }
    }
}
