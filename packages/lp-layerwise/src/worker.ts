/** Worker-thread entry for batches (Node only): inverts one chunk of a batch per task. */
import { serveWorker } from '@inv/core/node';
import { type BatchTask, runTask } from './batch.js';

serveWorker<BatchTask, unknown>(runTask);
