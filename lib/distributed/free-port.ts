/** A TCP port that was free a moment ago on `host` (bind port 0, read it, close). Racy by nature, but the window is
 * the few ms until rank 0's TCPStore binds it; the launcher reports a bind failure clearly if it is lost. */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}
