// Facts about the machine for the GPU check: GPU and driver (nvidia-smi), the python torch the build uses (version,
// CUDA, NCCL, C++ ABI), transformers, toolchain, cores, memory and disk. Writes argv[2] (JSON) and prints it.
import { execSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return `<${String(e.stderr || e.message).trim().split('\n')[0]}>`;
  }
};
const py = process.env.PY || 'python3';
const f = {
  gpu: sh('nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader'),
  nvcc: sh('nvcc --version | tail -1'),
  cmake: sh('cmake --version | head -1'),
  ninja: sh('ninja --version'),
  gxx: sh('g++ --version | head -1'),
  node: process.version,
  cores: cpus().length,
  memory_gib: Math.round(totalmem() / 2 ** 30),
  disk_tmp: sh('df -h /tmp | tail -1'),
  libtorch: process.env.LIBTORCH || null,
  nccl_include: process.env.NCCL_INC || null,
  cuda_home: process.env.CUDA_HOME || null,
  torch: sh(`${py} -c "import torch;print(torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available(), 'abi', torch._C._GLIBCXX_USE_CXX11_ABI)"`),
  transformers: sh(`${py} -c "import transformers;print(transformers.__version__)"`),
};
const lt = f.libtorch ?? '';
f.libtorch_cuda = existsSync(join(lt, 'lib', 'libtorch_cuda.so'));
f.ok = true;
writeFileSync(process.argv[2], JSON.stringify(f, null, 1));
for (const [k, v] of Object.entries(f)) console.log(`${k}: ${v}`);
