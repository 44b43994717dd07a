import { createServer } from 'node:net';

/**
 * Asks the OS for a free port on 127.0.0.1. Racy by nature (the port is released before the child binds it),
 * so callers retry when the bind fails.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}

/**
 * Whether something already listens on 127.0.0.1:`port`: binding it fails with EADDRINUSE. Asked after
 * a child (redis-server, prometheus) failed to start, to tell a taken port by the OS's code rather than by its log text.
 */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}
