#!/usr/bin/env bash
# Quantizes a GGUF model with llama.cpp through panama-llama (the examples' `quantize` program).
# Usage: scripts/quantize.sh INPUT.gguf OUTPUT.gguf TYPE [--threads N] [--pure] ...
#        scripts/quantize.sh --help
case "${1:-}" in
  -h|--help)
    # The program's own help lists the options and types; before a build, this header has to do.
    "$(dirname "$0")/example" quantize --help 2>/dev/null && exit 0
    sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
    echo "(not built yet: ./mvnw install -DskipTests)"
    exit 0 ;;
esac
exec "$(dirname "$0")/example" quantize "$@"
