/**
 * What `rarft-train --nproc-per-node N` will do, in miniature: the same script is the launcher (relaunchIfRequested
 * re-runs it as N workers) and each worker. Under vite-node, process.argv lacks the script path, so the argv a
 * compiled bin would have is rebuilt here. Workers print `ready`, and `got SIGINT` when the launcher forwards one.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaunchIfRequested } from '../../../lib/distributed/launch-command.js';

const script = fileURLToPath(import.meta.url);
const viteNode = join(script, '../../../../node_modules/.bin/vite-node');
const code = await relaunchIfRequested([process.execPath, viteNode, script, ...process.argv.slice(2)]);
if (code !== null) process.exit(code);

process.on('SIGINT', () => {
  console.log('got SIGINT');
  process.exit(130);
});
console.log(`ready ${process.env.RANK}/${process.env.WORLD_SIZE} local ${process.env.LOCAL_RANK} args=${process.argv.slice(2).join(' ')}`);
setInterval(() => {}, 1000);
