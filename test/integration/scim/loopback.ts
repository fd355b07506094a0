import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/**
 * A few lines of HTTP on 127.0.0.1 for what the emulator cannot be asked to do (a Retry-After of a day, a
 * body streamed without a length). Everything else misbehaving comes from the emulator's quirks.
 */
export interface Loopback {
  readonly url: string;
  /** Requests answered so far. */
  requests(): number;
}

const open: (() => Promise<void>)[] = [];

export async function startLoopback(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  open.push(async () => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/scim/v2/`, requests: () => count };
}

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});
