// The nsqd HTTP endpoints the bench uses beyond those of local-services/nsqd-http.ts.
import { nsqdHttp, topicStats } from '../../local-services/nsqd-http.js';

export async function nsqdVersion(httpAddress: string): Promise<string> {
  const info = JSON.parse(await nsqdHttp(httpAddress, 'GET', '/info')) as { version: string };
  return info.version;
}

/** How many messages the topic has received (0 when it does not exist). */
export async function topicMessageCount(httpAddress: string, topic: string): Promise<number> {
  return (await topicStats(httpAddress, topic))?.messageCount ?? 0;
}

/** Publishes newline-separated messages in one request (bodies must not contain newlines). */
export async function mpub(httpAddress: string, topic: string, messages: readonly string[]): Promise<void> {
  await nsqdHttp(httpAddress, 'POST', `/mpub?topic=${encodeURIComponent(topic)}`, messages.join('\n'));
}

export async function setChannelPaused(
  httpAddress: string,
  topic: string,
  channel: string,
  paused: boolean,
): Promise<void> {
  const query = `topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(channel)}`;
  await nsqdHttp(httpAddress, 'POST', `/channel/${paused ? 'pause' : 'unpause'}?${query}`);
}

export async function deleteTopic(httpAddress: string, topic: string): Promise<void> {
  await nsqdHttp(httpAddress, 'POST', `/topic/delete?topic=${encodeURIComponent(topic)}`);
}
