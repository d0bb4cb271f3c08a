/**
 * GGUF, llama.cpp's model file format, in pure Java: {@link io.github.panamallama.gguf.GgufFile}
 * reads and validates a file (metadata and tensor infos up front, tensor data per tensor on
 * demand), {@link io.github.panamallama.gguf.GgufWriter} writes one in a single streaming pass.
 * {@link io.github.panamallama.gguf.GgmlType} knows every ggml element type and its block size.
 */
package io.github.panamallama.gguf;
