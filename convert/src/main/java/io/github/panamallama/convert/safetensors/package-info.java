/** Hugging Face safetensors checkpoints (single file or sharded) as a converter input. */
package io.github.panamallama.convert.safetensors;
