/**
 * @inv/queue: inv's jobs on BullMQ + Redis. Generic: a job is a kind and a plain-data payload; the
 * caller (the `inv` command) supplies the handlers. Loaded only when a queue is asked for.
 */
export { QueueError, parseRedisUrl, redactUrl, type RedisConnection } from './url.js';
export { checkPlain, encodePlain, decodePlain, canonicalJson, jobId, type PlainLimits } from './plain.js';
export { connect, checkQueueName } from './connect.js';
export { runJobs, type JobSpec, type JobsProgress, type JobFailure, type RunJobsOptions, type RunJobsReport } from './run.js';
export { runWorker, type JobHandler, type WorkerOptions, type WorkerReport } from './worker.js';
