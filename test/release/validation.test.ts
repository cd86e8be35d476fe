import { describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

describe('release control refuses bad input before writing anything', () => {
  it.each([
    ['until before at', { at: Date.UTC(2030, 0, 2), until: Date.UTC(2030, 0, 1) }, 'E_INVALID_ARGUMENT'],
    ['until equal to at', { at: Date.UTC(2030, 0, 1), until: Date.UTC(2030, 0, 1) }, 'E_INVALID_ARGUMENT'],
    ['until in the past', { until: Date.now() - 1_000 }, 'E_INVALID_ARGUMENT'],
    ['until not a time', { until: 'tomorrow' }, 'E_INVALID_ARGUMENT'],
    ['both until and durationMs', { until: Date.now() + 60_000, durationMs: 1_000 }, 'E_INVALID_ARGUMENT'],
    ['durationMs of 0', { durationMs: 0 }, 'E_INVALID_ARGUMENT'],
    ['oversize actor', { actor: 'a'.repeat(129) }, 'E_INVALID_ARGUMENT'],
    ['empty actor', { actor: '' }, 'E_INVALID_ARGUMENT'],
    ['actor with a newline', { actor: 'ana\nforged entry' }, 'E_INVALID_ARGUMENT'],
    ['oversize reason', { reason: 'r'.repeat(1025) }, 'E_INVALID_ARGUMENT'],
    ['negative baseRevision', { baseRevision: -1 }, 'E_INVALID_ARGUMENT'],
    ['fractional baseRevision', { baseRevision: 1.5 }, 'E_INVALID_ARGUMENT'],
    ['unknown baseRevision', { baseRevision: 7 }, 'E_UNKNOWN_REVISION'],
    ['id too long for its revert', { id: 'x'.repeat(250), until: Date.now() + 60_000 }, 'E_INVALID_ARGUMENT'],
  ])('%s', async (_name, options, code) => {
    const prefix = uniquePrefix('release-input');
    const redis = connectRedis(services.redis.url);
    const scheduler = createScheduler({ redis, topic: 't', prefix });
    await expect(scheduler.schedule({ key: 'k', value: 1 }, options as never)).rejects.toMatchObject({
      code,
    });
    expect(await redis.keys(`{${prefix}}:*`)).toEqual([]);
  });

  it('with history off (historyLimit 0), release options and reads say E_HISTORY_OFF; plain changes still work', async () => {
    const prefix = uniquePrefix('history-off');
    const redis = connectRedis(services.redis.url);
    const scheduler = createScheduler({ redis, topic: 't', prefix, historyLimit: 0 });
    await expect(scheduler.schedule({ key: 'k', value: 1 }, { actor: 'ana' })).rejects.toMatchObject({
      code: 'E_HISTORY_OFF',
    });
    await expect(scheduler.history()).rejects.toMatchObject({ code: 'E_HISTORY_OFF' });
    await expect(scheduler.rollback({ toRevision: 0 })).rejects.toMatchObject({ code: 'E_HISTORY_OFF' });
    expect(await redis.keys(`{${prefix}}:*`)).toEqual([]);
    await scheduler.schedule({ key: 'k', value: 1 }, { delayMs: 60_000 });
    expect(await redis.exists(`{${prefix}}:history`)).toBe(0);
  });

  it('refuses a bad history query', async () => {
    const scheduler = createScheduler({ redis: connectRedis(services.redis.url), topic: 't', prefix: 'q' });
    for (const query of [
      { limit: 0 },
      { limit: 1.5 },
      { before: 'yesterday' },
      { id: 'no spaces' },
      { key: '' },
    ]) {
      await expect(scheduler.history(query as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    }
  });
});
