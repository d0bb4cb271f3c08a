#!/usr/bin/env bash
# Builds llama.cpp v0.5.0 with its CUDA backend (ggml-cuda) for ONE GPU architecture, with the
# project's CMakeLists.txt (the same source tree as scripts/build-llama-cpp.sh, RPC included),
# then checks what it built. Building and checking need no GPU; running on one needs the NVIDIA
# driver. Not part of CI (.ci/run): the toolkit is a 1.6 GB download and the compile is long.
#
# Usage: scripts/build-llama-cpp-cuda.sh [--arch ARCH] [--install-toolkit] [--check-only] [-- CMAKE_ARGS...]
#   --arch ARCH        the GPU architecture, as CMAKE_CUDA_ARCHITECTURES takes it (default
#                      86-real: machine code for compute capability 8.6, RTX 30xx/A-series, which
#                      8.9 GPUs (RTX 40xx) run too; e.g. 89-real, 80-real, or 86 for PTX as well)
#   --install-toolkit  Debian 12 only, as root or with sudo: installs nvidia-cuda-toolkit 11.8
#                      (with cuBLAS) and g++-11 from Debian's non-free component, adding
#                      /etc/apt/sources.list.d/panama-llama-cuda-non-free.sources (left in place;
#                      delete it to stop receiving non-free packages). About 1.6 GB to download,
#                      4.5 GB installed.
#   --check-only       no build: only check an earlier build's libraries
#   CMAKE_ARGS         more configure options, e.g. -DGGML_CUDA_FA=OFF (no FlashAttention kernels)
#
# Toolkit: the first nvcc of $CUDACXX, /usr/bin/nvcc (Debian's), nvcc on PATH and
# /usr/local/cuda/bin/nvcc that compiles and links a cuBLAS program (ggml-cuda needs cuBLAS), with
# the default C++ compiler or, for nvcc 11 (which refuses gcc 12), g++-11.
# Output: build/cmake-cuda/ (CMake's tree) -> build/natives/cuda/ (libllama, libggml, libggml-cuda,
# ggml-rpc-server); only FlashAttention's f16 vector kernels are built (GGML_CUDA_FA_QUANTS=f16-f16).
# The check: libggml-cuda.so exports ggml_backend_cuda_reg, holds code for ARCH (cuobjdump), and
# every library it needs resolves (ldd). The loader uses the build when pointed at it:
#   java -Dpanamallama.library.path=build/natives/cuda ...    (or PANAMA_LLAMA_LIBRARY_PATH)
# and the test that loads it (on the CPU when there is no GPU) is CudaBuildTest:
#   ./mvnw -B verify -pl tests -am -DskipSourceBuild -Dtest=CudaBuildTest -Dsurefire.failIfNoSpecifiedTests=false
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
root="$(cd "$(dirname "$0")/.." && pwd)"
arch="86-real"
install_toolkit=false
check_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) [ $# -ge 2 ] || { echo "--arch needs a value" >&2; usage >&2; exit 2; }; arch="$2"; shift 2 ;;
    --install-toolkit) install_toolkit=true; shift ;;
    --check-only) check_only=true; shift ;;
    --) shift; break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$arch" =~ ^[0-9]+[af]?(-real|-virtual)?$ ]]; then
  echo "--arch $arch: not one CUDA architecture (e.g. 86-real, 89-real, 80)" >&2; exit 2
fi
binary_dir="$root/build/cmake-cuda"
output_dir="$root/build/natives/cuda"
fail() { echo "error: $*" >&2; exit 1; }

install_debian_toolkit() {
  [ -r /etc/os-release ] && . /etc/os-release
  [ "${ID:-}" = debian ] && [ -n "${VERSION_CODENAME:-}" ] && command -v apt-get >/dev/null \
    || fail "--install-toolkit knows Debian only; install the CUDA toolkit with cuBLAS yourself"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local sources=/etc/apt/sources.list.d/panama-llama-cuda-non-free.sources
  echo "adding Debian's contrib and non-free components for $VERSION_CODENAME: $sources"
  printf '%s\n' "# Added by panama-llama's scripts/build-llama-cpp-cuda.sh --install-toolkit" \
    "Types: deb" "URIs: http://deb.debian.org/debian" \
    "Suites: $VERSION_CODENAME $VERSION_CODENAME-updates" "Components: contrib non-free" \
    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" | $sudo tee "$sources" >/dev/null
  $sudo apt-get update -qq
  local start; start=$(date +%s)
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    nvidia-cuda-toolkit nvidia-cuda-toolkit-gcc
  echo "CUDA toolkit installed in $(( $(date +%s) - start )) s: $(dpkg-query -W -f='${Package} ${Version}' nvidia-cuda-toolkit)"
}

# toolkit_path NVCC: PATH with NVCC's directory first. nvcc runs ptxas, fatbinary and nvlink from
# PATH, so another toolkit's tools earlier on PATH (e.g. /usr/local/bin wrappers) would mix versions.
toolkit_path() { echo "$(dirname "$1"):$PATH"; }

# probe NVCC [HOST_CXX]: whether nvcc (with that host compiler) builds a cuBLAS program for the
# architecture, with the cuBLAS of its own CUDA version (not one found in /usr/include by chance)
probe() {
  local nvcc="$1" host="${2:-}" dir; dir="$(mktemp -d)"
  printf '%s\n' '#include <cublas_v2.h>' \
    'static_assert(CUBLAS_VER_MAJOR == CUDART_VERSION / 1000, "cuBLAS of another CUDA version");' \
    'int main() { cublasHandle_t h; return cublasCreate(&h) == CUBLAS_STATUS_SUCCESS ? 0 : 1; }' > "$dir/probe.cu"
  local args=(-arch="sm_${arch%%[!0-9]*}" -o "$dir/probe" "$dir/probe.cu" -lcublas)
  [ -n "$host" ] && args=(-ccbin "$host" "${args[@]}")
  local ok=0; PATH="$(toolkit_path "$nvcc")" nice -n 19 "$nvcc" "${args[@]}" > "$dir/log" 2>&1 || ok=$?
  [ $ok -eq 0 ] || probe_log="$(grep -m 3 -iE 'error|fatal|not found|unsupported' "$dir/log" || head -c 400 "$dir/log")"
  rm -rf "$dir"; return $ok
}

find_toolkit() {
  local candidates=() seen=" " nvcc host
  [ -n "${CUDACXX:-}" ] && candidates+=("$CUDACXX")
  candidates+=(/usr/bin/nvcc)
  command -v nvcc >/dev/null && candidates+=("$(command -v nvcc)")
  candidates+=(/usr/local/cuda/bin/nvcc)
  for nvcc in "${candidates[@]}"; do
    [ -x "$nvcc" ] || continue
    case "$seen" in *" $nvcc "*) continue ;; esac
    seen+="$nvcc "
    for host in "" g++-11; do
      [ -z "$host" ] || command -v "$host" >/dev/null || continue
      if probe "$nvcc" "$host"; then
        cuda_compiler="$nvcc"; cuda_host="$host"; return 0
      fi
      echo "  $nvcc${host:+ with $host}: cannot build a cuBLAS program: ${probe_log//$'\n'/ }" >&2
    done
  done
  return 1
}

check_build() {
  local cuda_lib="$output_dir/libggml-cuda.so" failed=0
  [ -f "$cuda_lib" ] || fail "$cuda_lib is missing: build first (without --check-only)"
  echo "== check of $output_dir"
  ls -l "$output_dir" | sed 's/^/  /'
  if nm -D --defined-only "$cuda_lib" | grep -qw ggml_backend_cuda_reg; then
    echo "exports: ggml_backend_cuda_reg ($(nm -D --defined-only "$cuda_lib" | grep -c ' T ggml_backend_cuda') ggml_backend_cuda_* functions)"
  else
    echo "FAILED: libggml-cuda.so does not export ggml_backend_cuda_reg"; failed=1
  fi
  # ldd's output is read whole: grep -q closing the pipe early would fail it under pipefail
  local ggml_needs cuda_needs
  ggml_needs="$(ldd "$output_dir/libggml.so")"; cuda_needs="$(ldd "$cuda_lib")"
  if grep -q 'libggml-cuda\.so[.0-9]* => /' <<<"$ggml_needs"; then
    echo "libggml.so links libggml-cuda.so: the CUDA backend is built in and registers when ggml starts"
  else
    echo "FAILED: libggml.so does not link libggml-cuda.so"; failed=1
  fi
  local cuobjdump; cuobjdump="$(dirname "${cuda_compiler:-/usr/bin/nvcc}")/cuobjdump"
  [ -x "$cuobjdump" ] || cuobjdump="$(command -v cuobjdump || true)"
  if [ -n "$cuobjdump" ]; then
    local elf ptx number="${arch%%[!0-9]*}"
    elf="$("$cuobjdump" --list-elf "$cuda_lib" 2>/dev/null | grep -o 'sm_[0-9]*[af]\?' | sort | uniq -c | tr -s ' ' || true)"
    ptx="$("$cuobjdump" --list-ptx "$cuda_lib" 2>/dev/null | grep -o 'sm_[0-9]*[af]\?' | sort | uniq -c | tr -s ' ' || true)"
    echo "cuobjdump --list-elf (images per architecture):${elf:- none}"
    echo "cuobjdump --list-ptx (images per architecture):${ptx:- none}"
    case "$arch" in
      *-virtual) grep -q "sm_$number" <<<"$ptx" || { echo "FAILED: no PTX for sm_$number"; failed=1; } ;;
      *) grep -q "sm_$number" <<<"$elf" || { echo "FAILED: no machine code for sm_$number"; failed=1; } ;;
    esac
  else
    echo "cuobjdump not found: architecture not checked"
  fi
  echo "libraries libggml-cuda.so needs:"
  grep -E 'cuda|cublas|ggml' <<<"$cuda_needs" | sed 's/^\s*/  /;s/ (0x[0-9a-f]*)$//'
  if grep -q 'not found' <<<"$cuda_needs"; then
    echo "FAILED: libraries not found (above)"; failed=1
  fi
  if ! grep -q 'libcuda\.so\.1 => /' <<<"$cuda_needs"; then
    echo "note: no libcuda.so.1 (the NVIDIA driver library): libggml cannot load here until the driver is installed"
  fi
  [ $failed -eq 0 ] || fail "the CUDA build in $output_dir is incomplete (above)"
  echo "CUDA build OK: $output_dir (arch $arch). No GPU is needed to load it; to run the loader's test:"
  echo "  ./mvnw -B verify -pl tests -am -DskipSourceBuild -Dtest=CudaBuildTest -Dsurefire.failIfNoSpecifiedTests=false"
}

if $check_only; then
  find_toolkit 2>/dev/null || true
  check_build
  exit 0
fi

for tool in cmake g++; do command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-prerequisites.sh"; done
[ -f "$root/llama.cpp/CMakeLists.txt" ] || [ -f "$root/build/llama.cpp-v0.5.0/CMakeLists.txt" ] \
  || fail "no llama.cpp v0.5.0 source tree: run scripts/fetch-natives.sh --headers-only (or check out the submodule)"
$install_toolkit && install_debian_toolkit
echo "looking for a CUDA toolkit with cuBLAS..."
if ! find_toolkit; then
  fail "no CUDA toolkit with cuBLAS found (above). On Debian 12: $0 --install-toolkit; elsewhere install NVIDIA's toolkit with cuBLAS and set CUDACXX=/path/to/nvcc"
fi
echo "CUDA compiler: $cuda_compiler ($("$cuda_compiler" --version | grep -o 'release [0-9.]*')), host compiler: ${cuda_host:-default}"

cmake_args=(-DGGML_CUDA=ON -DCMAKE_CUDA_COMPILER="$cuda_compiler" -DCMAKE_CUDA_ARCHITECTURES="$arch"
  -DGGML_CUDA_FA_QUANTS=f16-f16 -DPANAMA_LLAMA_OUTPUT_DIR="$output_dir")
[ -n "$cuda_host" ] && cmake_args+=(-DCMAKE_CUDA_HOST_COMPILER="$(command -v "$cuda_host")")
if [ ! -f "$binary_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then cmake_args+=(-G Ninja); fi
start=$(date +%s)
# CUDACXX and PATH too: FindCUDAToolkit looks there before CMAKE_CUDA_COMPILER is known.
export CUDACXX="$cuda_compiler" PATH="$(toolkit_path "$cuda_compiler")"
cmake -S "$root" -B "$binary_dir" "${cmake_args[@]}" "$@"
nice -n 19 cmake --build "$binary_dir" --config Release -j "$(nproc 2>/dev/null || echo 2)"
echo "llama.cpp CUDA build: $(( $(date +%s) - start )) s ($binary_dir -> $output_dir)"
check_build
