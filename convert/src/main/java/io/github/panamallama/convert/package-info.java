/**
 * Checkpoint to GGUF conversion for llama-architecture models such as Mistral 7B:
 * {@link io.github.panamallama.convert.MistralConverter} reads a
 * {@link io.github.panamallama.convert.ModelDirectory} (Mistral native or Hugging Face layout)
 * and streams its tensors into a GGUF file. Inputs are {@link io.github.panamallama.convert.Checkpoint}s:
 * {@code pytorch.PyTorchCheckpoint} ({@code .pth}) and {@code safetensors.SafetensorsCheckpoint};
 * the vocabulary comes from {@code sentencepiece.SentencePieceModel}.
 */
package io.github.panamallama.convert;
