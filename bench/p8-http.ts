import { startHttpServer } from '../test/http-server.js';
import { type Benchmark, compare, type Row } from './lib.js';

/** Requests per run: enough that the job's own start (about 1 ms) is noise. */
const REQUESTS = 1000;

/**
 * P8: small GETs through the HTTP host module (the C client making REQUESTS requests in one job)
 * ÷ the same requests made with fetch on the host's main thread, against a loopback server.
 */
export const p8: Benchmark = {
  id: 'P8',
  async run(ctx) {
    const server = await startHttpServer();
    const rows: Row[] = [];
    try {
      for (const host of await ctx.hosts()) {
        const url = server.url('/json');
        const brine = async () => {
          const sample = await host.brine({
            executor: 'p8',
            module: 'c/http_client.wasm',
            args: ['-q', '-n', String(REQUESTS), url],
            network: { type: 'HTTP', domains: ['127.0.0.1'] },
          });
          if (!sample.stdoutHead.startsWith('rc=0 status=200 ')) throw new Error(`http_client: ${sample.stdoutHead}`);
          return sample.ms;
        };
        const direct = async () => (await host.fetchLoop({ url, count: REQUESTS })).ms;
        const [brineMs, directMs] = await compare([brine, direct], { reps: 5, warmup: 1 });
        await host.dispose('p8');
        const perSecond = (ms: number) => REQUESTS / (ms / 1000);
        rows.push({
          id: `P8 ${host.name}`,
          measure: `${REQUESTS} small GETs (39 B of JSON) in a row, loopback server: requests/s through http_request ÷ fetch on the host's main thread`,
          brine: `${perSecond(brineMs).toFixed(0)}/s`,
          baseline: `${perSecond(directMs).toFixed(0)}/s`,
          ratio: perSecond(brineMs) / perSecond(directMs),
          target: null,
        });
      }
    } finally {
      await server.close();
    }
    return rows;
  },
};
