/**
 * Structured output: GBNF grammars that constrain llama.cpp's sampling to JSON of a given shape.
 *
 * <ul>
 *   <li>{@link io.github.panamallama.grammar.JsonSchemaGrammar}: JSON Schema to GBNF.
 *   <li>{@link io.github.panamallama.grammar.RecordSchema}: a Java record class to JSON Schema
 *       (and to GBNF).
 *   <li>{@link io.github.panamallama.grammar.RecordMapper}: the generated JSON back into the record.
 * </ul>
 *
 * <pre>{@code
 * record Step(String text, boolean done) {}
 * record Plan(String goal, List<Step> steps, Optional<Integer> days) {}
 *
 * String gbnf = RecordSchema.grammar(Plan.class);   // give to llama.cpp's grammar sampler
 * Plan plan = RecordMapper.parse(generatedJson, Plan.class);
 * }</pre>
 */
package io.github.panamallama.grammar;
