#!/usr/bin/env bash
# Converts a Mistral 7B-style checkpoint to GGUF (runs the examples' `convert` program).
# Usage: scripts/convert.sh <checkpoint-dir | release.tar> <output.gguf> [f32|f16|bf16] [convert options]
#   A .tar (e.g. Mistral's mistral-7B-v0.2.tar) is unpacked into a temporary directory first.
#   Extra options go to the converter, e.g. --context-length 32768 (see: scripts/example convert --help).
#   JAVA_OPTS adds JVM options (default -Xmx2g: conversion streams, memory stays bounded).
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -ge 2 ] || { usage >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
input="$1"; output="$2"; shift 2
type=f16
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then type="$1"; shift; fi

if [ -f "$input" ] && [[ "$input" == *.tar ]]; then
  unpacked="$(mktemp -d "${TMPDIR:-/tmp}/convert.XXXXXX")"
  trap 'rm -rf "$unpacked"' EXIT
  tar -xf "$input" -C "$unpacked"
  # the release tar may hold the files at its root or in one folder
  input="$(dirname "$(find "$unpacked" -name params.json -o -name config.json | head -1)")"
  [ -n "$input" ] && [ "$input" != "." ] || { echo "no params.json or config.json in $1" >&2; exit 1; }
fi

# no exec: the EXIT trap must still remove an unpacked tar
JAVA_OPTS="${JAVA_OPTS:--Xmx2g}" "$root/scripts/example" convert --input "$input" --output "$output" --type "$type" "$@"
