import { it } from 'vitest';
import { startNsqd, startRedisServer } from './services.js';
it('leaks on purpose', async () => {
  const r = await startRedisServer({ private: true });
  const n = await startNsqd({ private: true });
  console.log('LEAKPORTS', r.port, n.tcpPort, process.pid);
  await new Promise((resolve) => setTimeout(resolve, 20_000));
});
