import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface NsqdProxy {
  /** 'host:port' to give the scheduler instead of the real nsqd's. */
  readonly address: string;
  /** Client connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export interface NsqdProxyOptions {
  /** Holds every reply from nsqd this long before passing it on (a slow network or a slow nsqd). */
  replyDelayMs?: number;
  /**
   * Passes the handshake (magic, IDENTIFY) through, then swallows everything from the first PUB or MPUB
   * on: an nsqd that accepts connections and then hangs on publishes.
   */
  hangOnPublish?: boolean;
}

/** A TCP proxy in front of a real nsqd that can delay its replies or hang once a publish is sent. */
export async function startNsqdProxy(target: string, options: NsqdProxyOptions = {}): Promise<NsqdProxy> {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = createConnection(Number(port), host);
    sockets.add(client).add(upstream);
    let hung = false;
    client.on('data', (chunk: Buffer) => {
      if (options.hangOnPublish && /(^|\n)M?PUB /.test(chunk.toString('latin1'))) hung = true;
      if (!hung) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (hung) return;
      if (options.replyDelayMs)
        setTimeout(() => client.writable && client.write(chunk), options.replyDelayMs);
      else client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: proxyPort } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${proxyPort}`,
    get connections() {
      return connections;
    },
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
      await once(server, 'close');
    },
  };
}
