import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tooling/tsup.base';

export default defineConfig(tsupConfig(['src/bin.ts', 'src/index.ts', 'src/worker.ts', 'src/queue/thread.ts'], { dts: false, external: ['@inv/queue'] }));
