import { vitestPreset } from '../../tooling/vitest.preset';

export default vitestPreset('@inv/cli', { testTimeout: 180_000 });
