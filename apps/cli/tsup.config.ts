import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tooling/tsup.base';

export default defineConfig(tsupConfig(['src/bin.ts', 'src/index.ts', 'src/worker.ts'], { dts: false }));
