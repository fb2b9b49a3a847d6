import { vitestPreset } from '../../tooling/vitest.preset';

export default vitestPreset('@inv/queue');
