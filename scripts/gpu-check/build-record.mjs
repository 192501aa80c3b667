// What the configure and build logs say, as $OUT/build.json: the backends compiled in (the check fails the build stage
// when a CUDA libtorch builds without CUDA, NCCL or Gloo), libtorch, timings, first errors, and what ldd links.
// usage: node build-record.mjs OUT rc configure_s build_s
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, rcArg, tc, tb] = process.argv.slice(2);
const read = (f) => (existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : '');
const rc = Number(rcArg);
const r = { exit: rc, configure_s: tc ? Number(tc) : null, build_s: tb ? Number(tb) : null };
const cfg = read('build-configure.log');
const m = /rarft: gloo=(\w+) cuda=(\w+) nccl=(\w+)/.exec(cfg);
if (m) [r.gloo, r.cuda, r.nccl] = m.slice(1).map((x) => x === 'ON');
const lt = /rarft: libtorch (\S+) from (.*?): (\S+)/.exec(cfg);
if (lt) [r.libtorch, r.libtorch_source] = [lt[1], lt[2]];
const std = /rarft: C\+\+(\d+)/.exec(cfg);
if (std) r.cxx_standard = Number(std[1]);
r.build_errors = read('build.log').split('\n').filter((l) => /error:/.test(l)).slice(0, 20);
const addon = process.env.RARFT_ADDON ?? '';
if (rc === 0 && existsSync(addon)) {
  r.addon_bytes = statSync(addon).size;
  const ldd = execFileSync('ldd', [addon], { encoding: 'utf8' });
  r.ldd_not_found = ldd.split('\n').filter((l) => l.includes('not found')).map((l) => l.trim());
  r.links_torch_cuda = ldd.includes('libtorch_cuda');
}
const wantCuda = process.env.DEVICE !== 'cpu';
// every backend a CUDA build must have; the CPU run of the check needs Gloo only
r.ok = rc === 0 && r.gloo === true && (!wantCuda || (r.cuda === true && r.nccl === true && r.links_torch_cuda === true)) && !(r.ldd_not_found ?? []).length;
writeFileSync(join(out, 'build.json'), JSON.stringify(r, null, 1));
console.log(`build: ${JSON.stringify({ ...r, build_errors: r.build_errors.length })}`);
if (!r.ok) process.exitCode = 1;
