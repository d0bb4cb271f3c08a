package io.github.panamallama.internal.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.LibrarySource;
import io.github.panamallama.spi.NativeLibraryBundle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which natives jars become candidates, in which order; the test bundles are under src/test/resources/natives. */
class BundleDiscoveryTest {
    /** A provider as a natives jar declares one; its resources are the test's. */
    static final class TestBundle extends NativeLibraryBundle {
        TestBundle(String classifier) {
            super(classifier);
        }
    }

    private static List<Candidate> candidates(String... classifiers) {
        List<NativeLibraryBundle> providers = java.util.Arrays.stream(classifiers)
                .<NativeLibraryBundle>map(TestBundle::new).toList();
        return BundleDiscovery.candidates(providers, "linux", "x86_64", "0.5.0");
    }

    private static List<String> usable(List<Candidate> candidates) {
        return candidates.stream().filter(Candidate.Bundled.class::isInstance)
                .map(candidate -> ((Candidate.Bundled) candidate).bundle().manifest().classifier()).toList();
    }

    private static String problem(List<Candidate> candidates) {
        assertEquals(1, candidates.size(), candidates.toString());
        return assertInstanceOf(Candidate.Unusable.class, candidates.getFirst()).problem();
    }

    @Test
    void gpuBundlesComeBeforeTheCpuBundle() {
        List<Candidate> candidates = candidates("t-linux-cpu", "t-linux-vulkan", "t-linux-cuda");
        assertEquals(List.of("t-linux-cuda", "t-linux-vulkan", "t-linux-cpu"), usable(candidates));
        assertTrue(candidates.stream().allMatch(candidate -> candidate.source() == LibrarySource.BUNDLED));
    }

    @Test
    void theSameBundleTwiceIsTriedOnce() {
        assertEquals(List.of("t-linux-cpu"), usable(candidates("t-linux-cpu", "t-linux-cpu")));
    }

    @Test
    void aBundleForAnotherPlatformIsReportedNotTried() {
        assertEquals("is for macos-x86_64; this JVM runs on linux-x86_64", problem(candidates("t-mac")));
    }

    @Test
    void aBundleOfAnotherReleaseIsReportedNotTried() {
        assertEquals("holds llama.cpp 0.4.2, but the bindings were generated for 0.5.0", problem(candidates("t-old")));
    }

    @Test
    void aJarWithoutManifestIsReported() {
        assertEquals("has no natives/t-none/natives.manifest", problem(candidates("t-none")));
    }

    @Test
    void aManifestForAnotherClassifierIsReported() {
        assertEquals("its manifest is for t-other, not t-mismatch", problem(candidates("t-mismatch")));
    }

    @Test
    void aMalformedManifestIsReported() {
        assertEquals("natives manifest has no \"os\" line", problem(candidates("t-broken")));
    }

    @Test
    void unusableOnesAreListedAfterTheUsable() {
        List<Candidate> candidates = candidates("t-mac", "t-linux-cpu");
        assertInstanceOf(Candidate.Bundled.class, candidates.get(0));
        assertInstanceOf(Candidate.Unusable.class, candidates.get(1));
    }
}
