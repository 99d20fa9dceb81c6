package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module exports only the API packages, and nothing public in them shows an internal type: no supertype, field,
 * return type, parameter or exception of an exported public type comes from a package the module does not export.
 * The one allowed exception is the planning hooks of the sealed operation hierarchy: they take internal contexts that
 * only the engine can make.
 */
class ApiBoundaryTest {

    private static final Path CLASSES = classesDirectory();

    @Test
    void theModuleExportsTheApiPackagesOnly() throws IOException {
        assertEquals(Set.of("io.pgroll.core", "io.pgroll.core.explain", "io.pgroll.core.migration"), exported());
    }

    @Test
    void noInternalTypeLeaksIntoThePublicApi() throws IOException, ClassNotFoundException {
        Set<String> exported = exported();
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTypesOf(exported)) {
            leaks.addAll(leaksOf(type, exported));
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void theCheckFindsALeak() {
        assertEquals(List.of("io.pgroll.core.ApiBoundaryTest$Leaky.runner() returns io.pgroll.core.db.LockRetry"),
                leaksOf(Leaky.class, Set.of("io.pgroll.core")));
    }

    /** A public type showing an internal one, for the check of the check. */
    public interface Leaky {
        io.pgroll.core.db.LockRetry runner();
    }

    private static Set<String> exported() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            Set<String> packages = new TreeSet<>();
            for (ModuleDescriptor.Exports e : ModuleDescriptor.read(in).exports()) {
                if (!e.isQualified()) {
                    packages.add(e.source());
                }
            }
            return packages;
        }
    }

    private static List<Class<?>> publicTypesOf(Set<String> packages) throws IOException, ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : packages) {
            Path dir = CLASSES.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            }
            for (Path f : files) {
                String simple = f.getFileName().toString().replaceFirst("\\.class$", "");
                Class<?> type = Class.forName(pkg + "." + simple, false, ApiBoundaryTest.class.getClassLoader());
                if (isVisible(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    /** Public, and (for a nested type) inside public types all the way out. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> leaksOf(Class<?> type, Set<String> exported) {
        List<String> leaks = new ArrayList<>();
        String name = type.getName();
        check(leaks, exported, name + " extends", type.getGenericSuperclass());
        for (Type i : type.getGenericInterfaces()) {
            check(leaks, exported, name + " implements", i);
        }
        for (Field f : type.getDeclaredFields()) {
            if (isApi(f.getModifiers())) {
                check(leaks, exported, name + "." + f.getName() + " is", f.getGenericType());
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (isApi(c.getModifiers())) {
                checkExecutable(leaks, exported, name + ".<init>", c);
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (isApi(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                String where = name + "." + m.getName() + "()";
                check(leaks, exported, where + " returns", m.getGenericReturnType());
                if (!isSealedHierarchyHook(type, m)) {
                    checkExecutable(leaks, exported, where, m);
                }
            }
        }
        return leaks;
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkExecutable(List<String> leaks, Set<String> exported, String where, Executable e) {
        for (Type p : e.getGenericParameterTypes()) {
            check(leaks, exported, where + " takes", p);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(leaks, exported, where + " throws", x);
        }
    }

    /** A method of a sealed interface (or an implementation of one) that outside code can neither add to nor call. */
    private static boolean isSealedHierarchyHook(Class<?> type, Method m) {
        for (Class<?> t : supertypesOf(type)) {
            if (t.isSealed()) {
                try {
                    t.getDeclaredMethod(m.getName(), m.getParameterTypes());
                    return true;
                } catch (NoSuchMethodException notThere) {
                    // look further up
                }
            }
        }
        return false;
    }

    private static List<Class<?>> supertypesOf(Class<?> type) {
        List<Class<?>> all = new ArrayList<>(List.of(type));
        for (int i = 0; i < all.size(); i++) {
            Class<?> t = all.get(i);
            all.addAll(Arrays.asList(t.getInterfaces()));
            if (t.getSuperclass() != null) {
                all.add(t.getSuperclass());
            }
        }
        return all;
    }

    private static void check(List<String> leaks, Set<String> exported, String where, Type type) {
        if (type == null) {
            return;
        }
        if (type instanceof ParameterizedType p) {
            check(leaks, exported, where, p.getRawType());
            for (Type a : p.getActualTypeArguments()) {
                check(leaks, exported, where, a);
            }
        } else if (type instanceof GenericArrayType a) {
            check(leaks, exported, where, a.getGenericComponentType());
        } else if (type instanceof WildcardType w) {
            Stream.concat(Arrays.stream(w.getUpperBounds()), Arrays.stream(w.getLowerBounds()))
                    .forEach(b -> check(leaks, exported, where, b));
        } else if (type instanceof Class<?> c) {
            Class<?> base = c;
            while (base.isArray()) {
                base = base.getComponentType();
            }
            String pkg = base.getPackageName();
            if (!base.isPrimitive() && pkg.startsWith("io.pgroll.") && !exported.contains(pkg)) {
                leaks.add(where + " " + base.getName());
            }
        } else if (!(type instanceof TypeVariable<?>)) {
            throw new IllegalStateException("unexpected type " + type);
        }
    }

    private static Path classesDirectory() {
        try {
            return Path.of(PgRoll.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
