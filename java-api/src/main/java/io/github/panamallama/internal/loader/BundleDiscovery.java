package io.github.panamallama.internal.loader;

import io.github.panamallama.internal.loader.bundle.BundleManifest;
import io.github.panamallama.internal.loader.bundle.ProvidedBundle;
import io.github.panamallama.spi.NativeLibraryBundle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The natives jars on the class path or module path, as candidates: those for this platform and
 * release first, GPU builds before CPU ones; the others as reasons why they were passed over.
 */
final class BundleDiscovery {
    /** GPU back-ends in the order they are preferred; any other non-CPU variant comes after them, CPU last. */
    private static final List<String> GPU_PREFERENCE = List.of("cuda", "vulkan", "metal");
    private static final int MAX_SERVICE_ERRORS = 16;

    private BundleDiscovery() {}

    /** Every provider visible to panama-llama's class loader and to the thread's context class loader. */
    static List<Candidate> fromServiceLoader(Platform platform, String expectedVersion) {
        List<Candidate> unusable = new ArrayList<>();
        Map<Class<?>, NativeLibraryBundle> providers = new LinkedHashMap<>();
        ClassLoader own = NativeLibraryBundle.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        load(ServiceLoader.load(NativeLibraryBundle.class, own), providers, unusable);
        if (context != null && context != own) {
            load(ServiceLoader.load(NativeLibraryBundle.class, context), providers, unusable);
        }
        List<Candidate> candidates = new ArrayList<>(
                candidates(providers.values(), platform.bundleOs(), Platform.bundleArch(), expectedVersion));
        candidates.addAll(unusable);
        return candidates;
    }

    private static void load(ServiceLoader<NativeLibraryBundle> loader, Map<Class<?>, NativeLibraryBundle> into,
                             List<Candidate> unusable) {
        Iterator<NativeLibraryBundle> iterator = loader.iterator();
        int errors = 0;
        while (errors < MAX_SERVICE_ERRORS) {
            try {
                if (!iterator.hasNext()) {
                    return;
                }
                NativeLibraryBundle bundle = iterator.next();
                into.putIfAbsent(bundle.getClass(), bundle);
            } catch (ServiceConfigurationError e) {
                errors++;
                unusable.add(new Candidate.Unusable("natives jar", "its provider could not be loaded: " + e.getMessage()));
            }
        }
    }

    /** The providers as candidates, the usable ones in the order the loader should try them. */
    static List<Candidate> candidates(Iterable<NativeLibraryBundle> providers, String os, String arch, String expectedVersion) {
        List<ProvidedBundle> usable = new ArrayList<>();
        List<Candidate> unusable = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (NativeLibraryBundle provider : providers) {
            ProvidedBundle bundle;
            try {
                bundle = ProvidedBundle.of(provider);
            } catch (IllegalArgumentException e) {
                unusable.add(new Candidate.Unusable(ProvidedBundle.location(provider), e.getMessage()));
                continue;
            }
            BundleManifest manifest = bundle.manifest();
            if (!manifest.os().equals(os) || !manifest.arch().equals(arch)) {
                unusable.add(new Candidate.Unusable(bundle.describe(), "is for " + manifest.os() + "-" + manifest.arch()
                        + "; this JVM runs on " + os + "-" + arch));
            } else if (!VersionProbe.matches(manifest.llamaCppVersion(), expectedVersion)) {
                unusable.add(new Candidate.Unusable(bundle.describe(), "holds llama.cpp " + manifest.llamaCppVersion()
                        + ", but the bindings were generated for " + expectedVersion));
            } else if (keys.add(manifest.cacheKey())) { // the same bundle twice (a jar listed twice, a fat jar) is tried once
                usable.add(bundle);
            }
        }
        usable.sort(Comparator.comparingInt((ProvidedBundle bundle) -> rank(bundle.manifest()))
                .thenComparing(bundle -> bundle.manifest().classifier()));
        List<Candidate> candidates = new ArrayList<>();
        usable.forEach(bundle -> candidates.add(new Candidate.Bundled(bundle)));
        candidates.addAll(unusable);
        return candidates;
    }

    private static int rank(BundleManifest manifest) {
        if (!manifest.gpu()) {
            return GPU_PREFERENCE.size() + 1;
        }
        int index = GPU_PREFERENCE.indexOf(manifest.variant());
        return index < 0 ? GPU_PREFERENCE.size() : index;
    }
}
