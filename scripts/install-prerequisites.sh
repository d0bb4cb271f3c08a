#!/usr/bin/env bash
# Installs the system tools the build and tests use, on Debian/Ubuntu (as root or with sudo).
# Idempotent: a tool already on PATH is left alone, whoever installed it.
# Usage: scripts/install-prerequisites.sh [--help]
#   npm            fetches the pinned prebuilt llama.cpp (scripts/fetch-natives.sh)
#   gcc, g++, cmake  native test harnesses; llama.cpp built from source (scripts/build-llama-cpp.sh)
#   ccache         keeps that build quick on later runs on the same machine
#   spm_train/spm_encode (sentencepiece)  the fixture tokenizer and the tokenizer cross-check
#   git, openssl   unpacking the v0.5.0 header bundle; integrity checks
#   tmux           scripts/chat-tmux-demo.sh and its test (the chat example in a real terminal)
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  ?*) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac
declare -A package_of=(
  [npm]=npm [gcc]=gcc [g++]=g++ [cmake]=cmake [make]=make [ccache]=ccache
  [spm_train]=sentencepiece [spm_encode]=sentencepiece [git]=git [openssl]=openssl [tmux]=tmux
)
missing=()
for tool in "${!package_of[@]}"; do
  command -v "$tool" >/dev/null || missing+=("${package_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
command -v apt-get >/dev/null || { echo "install these first: ${missing[*]}" >&2; exit 1; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
