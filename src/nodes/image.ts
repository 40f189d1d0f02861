// The node image's default name, apart from create.ts so that commands can show it in --help
// without loading the provider SDKs, the CLI's largest modules (README, Performance).
import { version } from '../version.ts';

/** The image `npm run image:build` makes and the docker provider runs by default. */
export const defaultNodeImage = `grid-run-node:${version}`;
