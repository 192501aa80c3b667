#!/usr/bin/env bash
# The project's GPU check, one command on a GPU machine with a CUDA PyTorch (docs/gpu.md):
#   npm run gpu-check                 in a checkout with node_modules (any machine with Node)
#   bash .gpu/gpu-check.sh            on a bare machine without Node, after `bash scripts/gpu-check/pack.sh` here
# Stages (each logged to $OUT/gpu.log with timestamps; a failing stage does not stop the others; each runs under
# `timeout`, and the whole check ends within DEADLINE_S):
#   unpack  (bare machines) Node, the project and its node_modules from .gpu/payload
#   facts   GPU, driver, torch / CUDA / NCCL, toolchain
#   build   the addon against the CUDA libtorch (plain cmake + ninja; CUDA, NCCL and Gloo must all be compiled in)
#   suite   the `gpu` vitest suite (test/gpu: training + resume on CUDA, generation settings, parity, ZeRO-3 / NCCL)
#   speed   ours vs HF transformers on 7B-shaped random weights: generate, sampled generate, log-probs + backward
#   shapes  generate time per call across prompt lengths (the cold cost per new shape), bucketed vs exact KV buffers
#   results one table (results.mjs), and $OUT/results.json
# On the CPU (`DEVICE=cpu`, tiny shapes) every stage runs too, as the check's own test; the suite then skips, saying why.
# Knobs (env): OUT (/tmp/out), DEVICE (cuda|cpu), SIZE (7b|tiny), NL (decoder layers of the 7B shape, default 8),
#   PY (python with torch + transformers, default python3), LIBTORCH (default: $PY's torch), WORK, BUILD_DIR, JOBS,
#   DEADLINE_S (480), BUILD_MAX_S (200), STAGES (default "facts build suite speed shapes"), S4_REPS, S4_G, S4_NEW, S4_EXTRA (e.g. 16x200).
set -u
G=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export G
export OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
export DEVICE=${DEVICE:-cuda}
if [ "$DEVICE" = cuda ]; then export SIZE=${SIZE:-7b}; else export SIZE=${SIZE:-tiny}; fi
if [ "$SIZE" = 7b ]; then export NL=${NL:-8}; else export NL=${NL:-2}; fi
if [ "$DEVICE" = cuda ]; then export S4_DTYPE=${S4_DTYPE:-bfloat16}; else export S4_DTYPE=${S4_DTYPE:-float32}; fi
if [ "$SIZE" = tiny ]; then export S4_NEW=${S4_NEW:-32}; fi
export PY=${PY:-python3}
export WORK=${WORK:-/tmp/rarft-gpu}
export BUILD_DIR=${BUILD_DIR:-/tmp/rarft-gpu-build}
export JOBS=${JOBS:-$(nproc)}
DEADLINE_S=${DEADLINE_S:-480}
STAGES=${STAGES:-facts build suite speed shapes}
printf -v T0 '%(%s)T' -1
export T0
export LOG=$OUT/gpu.log
: > "$LOG"
: > "$OUT/stages.tsv"

# ---- where the project is: an unpacked payload (bare machine) or the checkout this script sits in ----------------
if [ -f "$G/payload/bundle.tar.xz" ]; then
  export MODE=payload
  export RARFT_ROOT=$WORK/rarft
  export NODE=$WORK/kit/bin/node
  export PATH=$WORK/kit/bin:$PATH
else
  export MODE=checkout
  RARFT_ROOT=$(cd "$G/../.." && pwd)
  export RARFT_ROOT
  export NODE=${NODE:-$(command -v node)}
fi
export RARFT_ADDON=$BUILD_DIR/Release/rarft.node

stamp() {  # prefix every line with wall clock and seconds since start; to gpu.log and stdout
  local l now
  while IFS= read -r l; do
    printf -v now '%(%s)T' -1
    printf '[%(%H:%M:%S)T +%3ds] %s\n' -1 $((now - T0)) "$l"
  done | tee -a "$LOG"
}
log() { echo "$*" | stamp; }
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
export -f stamp log now_s elapsed

# stage NAME MAX_S RESERVE_S FUNCTION: runs under min(MAX_S, what the deadline leaves after RESERVE_S for later stages)
stage() {
  local name=$1 max=$2 reserve=$3 fn=$4 now left lim t rc status secs
  case " $STAGES " in *" $name "*) ;; *) [ "$name" = unpack ] || return 0 ;; esac
  printf -v now '%(%s)T' -1
  left=$((T0 + DEADLINE_S - now - reserve))
  lim=$((max < left ? max : left))
  if ((lim < 5)); then
    log "=== $name: SKIPPED (no time left before the ${DEADLINE_S}s deadline)"
    printf '%s\tskipped\t-\t0\t%s\n' "$name" "$lim" >> "$OUT/stages.tsv"
    return 0
  fi
  log "=== $name: start (limit ${lim}s)"
  t=$(now_s)
  STAGE_LIMIT=$lim timeout -k 5 "$lim" bash -c "$fn" 2>&1 | stamp
  rc=${PIPESTATUS[0]}
  secs=$(elapsed "$t")
  case $rc in 0) status=ok ;; 124|137) status=timeout ;; *) status=failed ;; esac
  log "=== $name: $status (exit $rc) in ${secs}s"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$status" "$rc" "$secs" "$lim" >> "$OUT/stages.tsv"
}

# ---- the CUDA environment -------------------------------------------------------------------------------------------
# CUDA toolkit root: CUDA_HOME, else /usr/local/cuda, else two levels above the real nvcc; its bin/ goes first on PATH
# (torch's FindCUDA derives the toolkit from `which nvcc`; a wrapper elsewhere sends it to the wrong place).
if [ -z "${CUDA_HOME:-}" ]; then
  if [ -x /usr/local/cuda/bin/nvcc ]; then CUDA_HOME=/usr/local/cuda
  elif command -v nvcc >/dev/null 2>&1; then
    n=$(command -v nvcc); r=$(grep -ao '/[^ "]*/bin/nvcc' "$n" 2>/dev/null | head -1); [ -x "$r" ] && n=$r
    CUDA_HOME=$(dirname "$(dirname "$(readlink -f "$n")")")
  fi
fi
[ -n "${CUDA_HOME:-}" ] && export CUDA_HOME && export PATH=$CUDA_HOME/bin:$PATH
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if [ -z "${LIBTORCH:-}" ]; then
  LIBTORCH=$(timeout 90 "$PY" -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null)
fi
[ -z "${LIBTORCH:-}" ] && [ "$DEVICE" = cpu ] && [ -d "$RARFT_ROOT/.libtorch" ] && LIBTORCH=$RARFT_ROOT/.libtorch
export LIBTORCH
export SITE=$(dirname "${LIBTORCH:-/nonexistent}")
NCCL_INC=""
for d in "$SITE/nvidia/nccl/include" "$SITE"/nvidia/*/include /usr/include /usr/local/cuda/include; do
  if [ -f "$d/nccl.h" ]; then NCCL_INC=$d; break; fi
done
export NCCL_INC
# runtime libraries: the pip nvidia-* libs torch itself uses, then the toolkit's
NV_LIBS=$(ls -d "$SITE"/nvidia/*/lib "$SITE"/nvidia/cu*/lib 2>/dev/null | sort -u | tr '\n' ':')
export LD_LIBRARY_PATH="${NV_LIBS}${CUDA_HOME:+$CUDA_HOME/lib64:$CUDA_HOME/lib:}${LIBTORCH:+$LIBTORCH/lib:}${LD_LIBRARY_PATH:-}"

unxz_to() {  # xz if present, else python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1"; else "$PY" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi
}
export -f unxz_to

# ---- stages ---------------------------------------------------------------------------------------------------------
s_unpack() {
  set -e
  [ "$MODE" = payload ] || { echo "checkout mode: $RARFT_ROOT"; return 0; }
  rm -rf "$WORK" && mkdir -p "$WORK/kit/bin"
  (cd "$G/payload" && sha256sum -c --quiet SHA256SUMS) || echo "WARNING: payload checksums differ"
  unxz_to "$G/payload/node.xz" > "$WORK/kit/bin/node"
  chmod +x "$WORK/kit/bin/node"
  unxz_to "$G/payload/bundle.tar.xz" | tar x -C "$WORK"
  local ff=$RARFT_ROOT/node_modules/@ffmpeg-installer/linux-x64/ffmpeg
  unxz_to "$G/payload/ffmpeg.xz" > "$ff" && chmod +x "$ff"
  echo "unpacked: node $("$NODE" -v), project $(cat "$RARFT_ROOT/.git-head"), $(du -sh "$WORK" | cut -f1)"
}

s_facts() { cd "$G" && "$NODE" facts.mjs "$OUT/facts.json"; }

s_build() {
  set -o pipefail
  local t rc tc tb node_inc
  local args=(-S "$RARFT_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIBTORCH="$LIBTORCH"
    -DRARFT_OUTPUT_DIR="$BUILD_DIR/Release")
  if [ "$MODE" = payload ]; then  # the kit's headers (node_api.h, napi.h, Gloo's)
    args+=(-DNODE_INCLUDE_DIR="$WORK/kit/include/node" -DNODE_ADDON_API_DIR="$WORK/kit/include/napi")
    # the build refuses to drop Gloo silently (cmake/RarftBackends.cmake): a kit without its headers says so
    if [ -f "$WORK/kit/include/gloo/config.h" ]; then args+=(-DGLOO_INCLUDE_DIR="$WORK/kit/include")
    else args+=(-DRARFT_WITHOUT_GLOO=ON); echo "the kit has no Gloo headers: building without Gloo (RARFT_WITHOUT_GLOO)"; fi
  else  # this Node's own headers; node-addon-api and Gloo as the project's setup placed them
    node_inc=$(dirname "$(dirname "$(readlink -f "$NODE")")")/include/node
    [ -f "$node_inc/node_api.h" ] && args+=(-DNODE_INCLUDE_DIR="$node_inc")
  fi
  if [ -f "$LIBTORCH/lib/libtorch_cuda.so" ]; then
    [ -n "$NCCL_INC" ] && args+=(-DNCCL_HINT="$NCCL_INC" -DNCCL_INCLUDE_DIR="$NCCL_INC")
    args+=(-DCMAKE_CUDA_ARCHITECTURES=90)
    if [ -n "${CUDA_HOME:-}" ]; then
      args+=(-DCUDA_TOOLKIT_ROOT_DIR="$CUDA_HOME" -DCUDAToolkit_ROOT="$CUDA_HOME")
      [ -x "$CUDA_HOME/bin/nvcc" ] && args+=(-DCMAKE_CUDA_COMPILER="$CUDA_HOME/bin/nvcc")
      # a toolkit without libnvrtc (pip-style minimal toolkits): use the nvrtc torch itself ships with
      if ! ls "$CUDA_HOME"/lib64/libnvrtc.so* "$CUDA_HOME"/lib/libnvrtc.so* >/dev/null 2>&1; then
        local nvrtc
        nvrtc=$(ls "$SITE"/nvidia/*/lib/libnvrtc.so* 2>/dev/null | grep -v -E "builtins|alt" | head -1)
        [ -n "$nvrtc" ] && args+=(-DCUDA_nvrtc_LIBRARY="$nvrtc") && echo "toolkit has no libnvrtc: using $nvrtc"
      fi
    fi
  fi
  echo "cmake ${args[*]}"
  t=$(now_s)
  cmake "${args[@]}" > "$OUT/build-configure.log" 2>&1
  rc=$?
  tc=$(elapsed "$t")
  grep -E "rarft:|CMake (Error|Warning)" "$OUT/build-configure.log" | head -20
  if [ $rc -ne 0 ]; then tail -30 "$OUT/build-configure.log"; "$NODE" "$G/build-record.mjs" "$OUT" "$rc" "$tc" ""; return 1; fi
  t=$(now_s)
  ninja -C "$BUILD_DIR" -j"$JOBS" > "$OUT/build.log" 2>&1
  rc=$?
  tb=$(elapsed "$t")
  if [ $rc -ne 0 ]; then grep -m 30 -E "error|Error" "$OUT/build.log"; tail -10 "$OUT/build.log"; fi
  "$NODE" "$G/build-record.mjs" "$OUT" "$rc" "$tc" "$tb"
  return $rc
}

s_suite() {
  cd "$RARFT_ROOT" || return 1
  local sel=(test/gpu)
  grep -q "project('gpu')\|name: 'gpu'" vitest.config.ts 2>/dev/null && sel=(--project gpu)
  "$NODE" node_modules/vitest/vitest.mjs run "${sel[@]}" --reporter=default --reporter=json --outputFile.json="$OUT/suite-vitest.json" 2>&1 | tee "$OUT/suite.log"
  "$NODE" "$G/suite-record.mjs" "$OUT/suite-vitest.json" "$OUT/suite.log" "$OUT/suite.json"
}

s_speed() {  # prep <= 45% of the stage, ours <= 2/5 of what is left, HF the rest
  local d=/tmp/rarft-speed t0 lim
  printf -v t0 '%(%s)T' -1
  sub() { local now; printf -v now '%(%s)T' -1; echo $((STAGE_LIMIT - (now - t0) - 3)); }
  rm -rf "$d" && mkdir -p "$d"
  lim=$(( $(sub) * 45 / 100 ))
  echo "prep: $SIZE model, NL=$NL (limit ${lim}s)"
  timeout -k 3 "$lim" "$PY" "$G/speed-prep.py" "$d" "$SIZE" "$NL" "$DEVICE" 2>&1 | grep -v -E "Writing model shards|it/s\]" | tail -5
  [ -f "$d/prep.json" ] || { echo "prep failed (needs $PY with torch + transformers)"; return 1; }
  cp "$d/prep.json" "$OUT/speed-prep.json"
  lim=$(( $(sub) * 2 / 5 ))
  echo "ours (limit ${lim}s)"
  (cd "$G" && timeout -k 3 "$lim" "$NODE" speed-ours.mjs "$d" "$OUT/speed-ours.json")
  lim=$(sub)
  echo "hf (limit ${lim}s)"
  timeout -k 3 "$lim" "$PY" "$G/speed-hf.py" "$d" "$DEVICE" "$OUT/speed-hf.json" 2>&1 | grep -v -i "warn"
  rm -rf "$d"
}

s_shapes() {  # the stage's exit status is the measurement's (a failed prep or run is a failed stage)
  local d=/tmp/rarft-shapes rc
  rm -rf "$d" && mkdir -p "$d"
  timeout -k 3 100 "$PY" "$G/speed-prep.py" "$d" "$SIZE" "$NL" "$DEVICE" 2>&1 | tail -1
  [ -f "$d/prep.json" ] || { echo "prep failed (needs $PY with torch + transformers)"; return 1; }
  (cd "$G" && "$NODE" shapes.mjs "$d" "$OUT/shapes.json")
  rc=$?
  rm -rf "$d"
  return $rc
}
export -f s_unpack s_facts s_build s_suite s_speed s_shapes

log "rarft GPU check ($MODE): DEVICE=$DEVICE SIZE=$SIZE NL=$NL OUT=$OUT PY=$PY LIBTORCH=${LIBTORCH:-none} NCCL_INC=${NCCL_INC:-none} deadline ${DEADLINE_S}s"
# name, max seconds, seconds reserved for the stages after it, function
stage unpack 40 400 s_unpack
stage facts 25 380 s_facts
stage build "${BUILD_MAX_S:-200}" 260 s_build
if [ -f "$RARFT_ADDON" ]; then
  stage suite 180 160 s_suite
  stage speed 150 50 s_speed
  stage shapes 60 5 s_shapes
else
  log "no addon at $RARFT_ADDON: suite, speed and shapes not run"
fi
"$NODE" "$G/results.mjs" "$OUT" "$DEADLINE_S" 2>&1 | stamp
log "done in $(($(date +%s) - T0))s; results in $OUT/results.json, log in $OUT/gpu.log"
