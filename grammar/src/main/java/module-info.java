/** JSON Schema and Java records to GBNF grammars for llama.cpp's constrained sampling. */
module io.github.panamallama.grammar {
    // JsonNode appears in this module's public API.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;

    exports io.github.panamallama.grammar;
}
