/** The few nsqd HTTP endpoints the bench uses (https://nsq.io/components/nsqd.html#http-api). */

async function request(httpAddress: string, path: string, body?: string): Promise<Response> {
  const response = await fetch(`http://${httpAddress}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body }),
  });
  if (!response.ok) throw new Error(`nsqd ${path}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

export async function nsqdVersion(httpAddress: string): Promise<string> {
  const info = (await (await request(httpAddress, '/info')).json()) as { version: string };
  return info.version;
}

/** How many messages the topic has received (0 when it does not exist). */
export async function topicMessageCount(httpAddress: string, topic: string): Promise<number> {
  const query = `/stats?format=json&topic=${encodeURIComponent(topic)}`;
  const stats = (await (await request(httpAddress, query)).json()) as {
    topics: { topic_name: string; message_count: number }[];
  };
  return stats.topics.find((entry) => entry.topic_name === topic)?.message_count ?? 0;
}

/** Publishes newline-separated messages in one request (bodies must not contain newlines). */
export async function mpub(httpAddress: string, topic: string, messages: readonly string[]): Promise<void> {
  await request(httpAddress, `/mpub?topic=${encodeURIComponent(topic)}`, messages.join('\n'));
}

export async function setChannelPaused(
  httpAddress: string,
  topic: string,
  channel: string,
  paused: boolean,
): Promise<void> {
  const query = `topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(channel)}`;
  await request(httpAddress, `/channel/${paused ? 'pause' : 'unpause'}?${query}`, '');
}

export async function deleteTopic(httpAddress: string, topic: string): Promise<void> {
  await request(httpAddress, `/topic/delete?topic=${encodeURIComponent(topic)}`, '');
}
