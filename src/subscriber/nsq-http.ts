/** One nsqd, as a reader connects to it (TCP) and as its channel is deleted (HTTP). */
export interface NsqdEndpoint {
  tcpAddress: string;
  httpAddress: string;
}

const HTTP_TIMEOUT_MS = 2_000;

/** The nsqds that nsqlookupd knows to hold `topic`; none when it does not know the topic (404). */
export async function lookupProducers(lookupd: string, topic: string): Promise<NsqdEndpoint[]> {
  const response = await fetch(`${baseUrl(lookupd)}/lookup?topic=${encodeURIComponent(topic)}`, {
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`nsqlookupd ${lookupd} answered ${response.status} to /lookup`);
  const { producers } = (await response.json()) as {
    producers: { broadcast_address: string; tcp_port: number; http_port: number }[];
  };
  return producers.map(({ broadcast_address: host, tcp_port: tcpPort, http_port: httpPort }) => ({
    tcpAddress: `${host}:${tcpPort}`,
    httpAddress: `${host}:${httpPort}`,
  }));
}

/**
 * Deletes a channel now. nsqd also deletes an ephemeral channel by itself once its last reader left, but
 * asynchronously; a channel already gone (404) counts as deleted.
 */
export async function deleteChannel(httpAddress: string, topic: string, channel: string): Promise<void> {
  const query = `topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(channel)}`;
  const response = await fetch(`${baseUrl(httpAddress)}/channel/delete?${query}`, {
    method: 'POST',
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`nsqd ${httpAddress} answered ${response.status} to /channel/delete`);
  }
}

function baseUrl(address: string): string {
  return /^https?:\/\//.test(address) ? address.replace(/\/+$/, '') : `http://${address}`;
}
