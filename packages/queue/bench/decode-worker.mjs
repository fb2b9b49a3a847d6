// A worker process for the queue benchmark: `decode` jobs, each G(z) with the shipped 20-60-784 decoder.
import { mnistGenerator } from '@inv/models/node';
import { runWorker } from '../dist/index.js';

const [url, queue, concurrency] = process.argv.slice(2);
const g = mnistGenerator('20-60-784');
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
await runWorker({
  url,
  queue,
  concurrency: Number(concurrency),
  handlers: { decode: { validate: (p) => p, run: async ({ z }) => Array.from(g.forward(z)) } },
  signal: stop.signal,
});
