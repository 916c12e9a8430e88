import net from 'node:net';

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function findFreePort(): Promise<number> {
  // NOTE: another process can take the port between this check and the server's bind;
  // the server then fails to start and its log names the port.
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('the operating system returned no port'));
      });
    });
  });
}

/** Returns `count` distinct free ports. */
export async function findFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

/** Resolves true when a TCP connection to host:port succeeds within `timeoutMs`. */
export async function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
