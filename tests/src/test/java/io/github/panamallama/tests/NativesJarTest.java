package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** What the natives module put into the linux-x86_64 jar, against the prebuilt release it came from. */
class NativesJarTest {
    private static final String DIRECTORY = "natives/linux-x86_64/";

    private static byte[] read(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertTrue(entry != null, name + " is not in the jar");
        try (var in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static Set<String> filesUnder(JarFile jar, String directory) {
        return jar.stream().map(ZipEntry::getName)
                .filter(name -> name.startsWith(directory) && !name.equals(directory))
                .map(name -> name.substring(directory.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void holdsTheRunTimeLibrariesOfThePrebuiltReleaseAndNothingElseFromIt() throws IOException {
        Path prebuilt = NativeToolchain.home().resolve("build/natives/prebuilt/linux-x64");
        Set<String> expected = new TreeSet<>();
        try (Stream<Path> files = Files.list(prebuilt)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".so") && !name.equals("libllama-common.so"))
                    .forEach(expected::add);
        }
        assertTrue(expected.stream().anyMatch(name -> name.startsWith("libggml-cpu-")), expected.toString());
        expected.addAll(List.of("LICENSE-llama.cpp.txt", "LICENSE-node-llama-cpp.txt", "natives.manifest"));
        try (JarFile jar = new JarFile(ApplicationJvm.nativesJar().toFile())) {
            assertEquals(expected, filesUnder(jar, DIRECTORY));
            for (String name : expected) {
                if (name.endsWith(".so")) {
                    assertEquals(Files.readString(prebuilt.resolve(name), StandardCharsets.ISO_8859_1),
                            new String(read(jar, DIRECTORY + name), StandardCharsets.ISO_8859_1), name);
                }
            }
        }
    }

    @Test
    void itsManifestListsEveryFileWithItsHashAndSize() throws Exception {
        try (JarFile jar = new JarFile(ApplicationJvm.nativesJar().toFile())) {
            String manifest = new String(read(jar, DIRECTORY + "natives.manifest"), StandardCharsets.UTF_8);
            assertTrue(manifest.contains("\nclassifier linux-x86_64\nos linux\narch x86_64\nvariant cpu\nllama.cpp 0.5.0\n"
                    + "origin @node-llama-cpp/linux-x64@3.22.1\n"), manifest);
            Set<String> listed = new TreeSet<>();
            for (String line : manifest.lines().filter(line -> line.startsWith("file ")).toList()) {
                String[] fields = line.split(" ");
                byte[] bytes = read(jar, DIRECTORY + fields[3]);
                assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), fields[1], fields[3]);
                assertEquals(bytes.length, Long.parseLong(fields[2]), fields[3]);
                listed.add(fields[3]);
            }
            Set<String> files = filesUnder(jar, DIRECTORY);
            files.remove("natives.manifest");
            assertEquals(files, listed);
        }
    }

    @Test
    void itPlugsIntoPanamaLlamaAsAnAutomaticModuleWithItsOwnPackage() throws IOException {
        try (JarFile jar = new JarFile(ApplicationJvm.nativesJar().toFile())) {
            assertEquals("io.github.panamallama.natives.linux.x86_64",
                    jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            assertEquals("io.github.panamallama.natives.linux.x86_64.Bundle",
                    new String(read(jar, "META-INF/services/io.github.panamallama.spi.NativeLibraryBundle"), StandardCharsets.UTF_8).strip());
            Set<String> classes = jar.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of("io/github/panamallama/natives/linux/x86_64/Bundle.class"), classes);
        }
    }

    @Test
    void itCarriesTheLicenceNotices() throws IOException {
        try (JarFile jar = new JarFile(ApplicationJvm.nativesJar().toFile())) {
            String llama = new String(read(jar, "META-INF/LICENSE-llama.cpp.txt"), StandardCharsets.UTF_8);
            assertTrue(llama.contains("MIT License") && llama.contains("Copyright (c) 2023-2026 The ggml authors"), llama);
            String node = new String(read(jar, "META-INF/LICENSE-node-llama-cpp.txt"), StandardCharsets.UTF_8);
            assertTrue(node.contains("MIT License"), node);
            assertEquals(llama, new String(read(jar, DIRECTORY + "LICENSE-llama.cpp.txt"), StandardCharsets.UTF_8));
        }
    }
}
