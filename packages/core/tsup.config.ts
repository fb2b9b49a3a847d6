import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tooling/tsup.base';

export default defineConfig(tsupConfig(["src/index.ts", "src/node.ts", "src/tf.ts", "src/bench.ts", "src/batch-worker.ts", "src/testing.ts"]));
