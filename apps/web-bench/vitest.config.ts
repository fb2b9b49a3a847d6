import { vitestPreset } from '../../tooling/vitest.preset';

export default vitestPreset('@inv/web-bench', { testTimeout: 180_000 });
