#!/usr/bin/env bash
# Quantizes a GGUF model with llama.cpp through panama-llama (the examples' `quantize` program).
# Usage: scripts/quantize.sh INPUT.gguf OUTPUT.gguf TYPE [--threads N] [--pure] ...
#        scripts/quantize.sh --help
exec "$(dirname "$0")/example" quantize "$@"
