package io.github.panamallama.tests.mutation;

/**
 * An indexed list of mutants that a child JVM can rebuild from a short spec: the campaign's
 * {@code catalog/SEED/RANDOM} or the assert cases' {@code asserts}.
 */
public interface MutantList {
    GgufLayout base();

    int size();

    Mutant get(int index);

    static MutantList of(String spec, GgufLayout base) {
        if (spec.equals("asserts")) {
            return new AssertCases(base);
        }
        String[] parts = spec.split("/");
        if (parts.length != 3 || !parts[0].equals("catalog")) {
            throw new IllegalArgumentException("not a mutant list: " + spec);
        }
        return new MutantCatalog(base, Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
    }

    static String catalog(long seed, int randomCount) {
        return "catalog/" + seed + "/" + randomCount;
    }
}
