/** The fuzz targets by name; each is imported only in the child that runs it (native ones load the addon). */
const TARGETS: Record<string, () => Promise<{ target: unknown }>> = {
  safetensors: () => import('./safetensors.js'),
  'model-config': () => import('./model-config.js'),
  'model-index': () => import('./model-index.js'),
  tokenizer: () => import('./tokenizer.js'),
  annotations: () => import('./annotations.js'),
  predictions: () => import('./predictions.js'),
  'jsonl-logs': () => import('./jsonl-logs.js'),
  mp4: () => import('./video-headers.js').then((m) => ({ target: m.mp4Target })),
  matroska: () => import('./video-headers.js').then((m) => ({ target: m.matroskaTarget })),
  'mp4-vs-ffprobe': () => import('./video-headers.js').then((m) => ({ target: m.mp4VsFfprobe })),
  'matroska-vs-ffprobe': () => import('./video-headers.js').then((m) => ({ target: m.matroskaVsFfprobe })),
};

export async function loadTarget(name: string): Promise<unknown> {
  const load = TARGETS[name];
  if (!load) throw new Error(`unknown fuzz target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
  return (await load()).target;
}
