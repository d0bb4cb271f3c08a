package io.github.panamallama.tests;

import io.github.panamallama.internal.llama.llama_h;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The struct layouts jextract generated, found by scanning the bindings package. */
final class StructLayouts {
    private StructLayouts() {}

    /** C struct name -> generated layout, for every generated struct class. */
    static Map<String, StructLayout> all() throws IOException, URISyntaxException, ReflectiveOperationException {
        String packagePath = llama_h.class.getPackageName().replace('.', '/');
        Path location = Path.of(llama_h.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classNames = new ArrayList<>();
        if (Files.isDirectory(location)) {
            listClasses(location.resolve(packagePath), classNames);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                listClasses(jar.getPath(packagePath), classNames);
            }
        }
        Map<String, StructLayout> layouts = new TreeMap<>();
        for (String simpleName : classNames) {
            Class<?> type = Class.forName(llama_h.class.getPackageName() + "." + simpleName);
            Method layout;
            try {
                layout = type.getMethod("layout");
            } catch (NoSuchMethodException notAStruct) {
                continue;
            }
            if (layout.getParameterCount() == 0 && layout.invoke(null) instanceof StructLayout struct) {
                layouts.put(simpleName, struct);
            }
        }
        return layouts;
    }

    /**
     * A field as C names it, with its path in the generated layout. Members of an anonymous
     * union or struct (jextract names the group {@code $anon$...}) are named directly in C.
     */
    record Field(String cName, List<MemoryLayout.PathElement> path, MemoryLayout layout) {}

    /** The fields of a struct, padding excluded, anonymous groups flattened. */
    static List<Field> fields(GroupLayout layout) {
        List<Field> fields = new ArrayList<>();
        addFields(layout, List.of(), fields);
        return fields;
    }

    private static void addFields(GroupLayout group, List<MemoryLayout.PathElement> prefix, List<Field> fields) {
        for (MemoryLayout member : group.memberLayouts()) {
            if (member.name().isEmpty()) {
                continue;
            }
            String name = member.name().get();
            List<MemoryLayout.PathElement> path = new ArrayList<>(prefix);
            path.add(MemoryLayout.PathElement.groupElement(name));
            if (name.startsWith("$anon") && member instanceof GroupLayout anonymous) {
                addFields(anonymous, path, fields);
            } else {
                fields.add(new Field(name, List.copyOf(path), member));
            }
        }
    }

    private static void listClasses(Path directory, List<String> names) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .forEach(names::add);
        }
    }
}
