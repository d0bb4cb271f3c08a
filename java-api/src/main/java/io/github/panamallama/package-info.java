/**
 * llama.cpp for Java. Start with {@link io.github.panamallama.LlamaModel#load(java.nio.file.Path)},
 * create a {@link io.github.panamallama.LlamaContext} from it, and generate with
 * {@link io.github.panamallama.LlamaContext#complete(String, io.github.panamallama.GenerationOptions)}
 * or a {@link io.github.panamallama.ChatSession}. Every native object is
 * {@link java.lang.AutoCloseable}; misuse after close throws {@link java.lang.IllegalStateException};
 * native failures throw subclasses of {@link io.github.panamallama.LlamaException}.
 */
package io.github.panamallama;
