import { defineConfig } from 'tsup';
import { tsupConfig } from '../../tooling/tsup.base';

export default defineConfig(tsupConfig(['src/index.ts', 'src/server.ts']));
