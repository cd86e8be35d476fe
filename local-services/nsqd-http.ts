/** nsqd's HTTP API, as tests, bench and demo use it (https://nsq.io/components/nsqd.html#http-api). */

export interface TopicStats {
  /** Messages the topic received since nsqd started. */
  messageCount: number;
  channels: { name: string; depth: number; inFlight: number }[];
}

/** The topic's counters, or undefined when nsqd does not know the topic. */
export async function topicStats(httpAddress: string, topic: string): Promise<TopicStats | undefined> {
  const text = await nsqdHttp(httpAddress, 'GET', `/stats?format=json&topic=${encodeURIComponent(topic)}`);
  const stats = JSON.parse(text) as {
    topics: {
      topic_name: string;
      message_count: number;
      channels: { channel_name: string; depth: number; in_flight_count: number }[];
    }[];
  };
  const found = stats.topics.find((entry) => entry.topic_name === topic);
  if (!found) return undefined;
  return {
    messageCount: found.message_count,
    channels: found.channels.map((channel) => ({
      name: channel.channel_name,
      depth: channel.depth,
      inFlight: channel.in_flight_count,
    })),
  };
}

/** One request; resolves with the body, throws with nsqd's answer when it is not 2xx. */
export async function nsqdHttp(
  httpAddress: string,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<string> {
  const response = await fetch(`http://${httpAddress}${path}`, { method, body: body ?? null });
  const text = await response.text();
  if (!response.ok) throw new Error(`nsqd ${method} ${path} answered ${response.status}: ${text}`);
  return text;
}
