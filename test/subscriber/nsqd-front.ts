import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createConnection, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';

const HOST = '127.0.0.1';

/**
 * A stand-in in front of a real nsqd that the subscriber talks to instead: TCP is passed through as is,
 * and every HTTP request is recorded before it is passed on (or answered with `failHttpWith`), so a test
 * can see what the subscriber asked nsqd. The HTTP port is the TCP port + 1, nsqd's own layout, which is
 * what the subscriber assumes when `nsqdHttp` is not given.
 */
export interface NsqdFront {
  readonly tcpAddress: string;
  readonly httpAddress: string;
  /** `METHOD /path?query` of each HTTP request, in order. */
  readonly httpRequests: string[];
  /** When set, HTTP requests are answered with this status instead of being passed on. */
  failHttpWith: number | undefined;
  close(): Promise<void>;
}

export async function startNsqdFront(nsqd: { tcpAddress: string; httpAddress: string }): Promise<NsqdFront> {
  const httpRequests: string[] = [];
  const front = { failHttpWith: undefined as number | undefined };
  const tcp = createTcpServer((client) => {
    const [host, port] = nsqd.tcpAddress.split(':') as [string, string];
    const upstream = createConnection(Number(port), host);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  const http = createHttpServer((request, response) => {
    httpRequests.push(`${request.method} ${request.url}`);
    if (front.failHttpWith !== undefined) {
      response.writeHead(front.failHttpWith).end('refused by the test');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
      fetch(`http://${nsqd.httpAddress}${request.url}`, { method: request.method, body }).then(
        async (answer) => response.writeHead(answer.status).end(await answer.text()),
        (error: Error) => response.writeHead(502).end(error.message),
      );
    });
  });
  const tcpPort = await listenOnConsecutivePorts(tcp, http);
  return {
    tcpAddress: `${HOST}:${tcpPort}`,
    httpAddress: `${HOST}:${tcpPort + 1}`,
    httpRequests,
    get failHttpWith() {
      return front.failHttpWith;
    },
    set failHttpWith(status) {
      front.failHttpWith = status;
    },
    async close() {
      http.closeAllConnections();
      await Promise.all([closeServer(tcp), closeServer(http)]);
    },
  };
}

/** Binds `tcp` to a free port P and `http` to P + 1, trying again while P + 1 is taken. */
async function listenOnConsecutivePorts(tcp: Server, http: HttpServer): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    tcp.listen(0, HOST);
    await once(tcp, 'listening');
    const port = (tcp.address() as AddressInfo).port;
    const taken = await new Promise<boolean>((resolve) => {
      http.once('error', () => resolve(true));
      http.listen(port + 1, HOST, () => resolve(false));
    });
    if (!taken) return port;
    await closeServer(tcp);
  }
  throw new Error('found no two consecutive free ports');
}

function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
