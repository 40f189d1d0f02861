// The node image's default name, apart from create.ts so that commands can show it in --help
// without loading the provider SDKs (the EC2 client alone is ~64 MB of a CLI's memory).
import { version } from '../version.ts';

/** The image `npm run image:build` makes and the docker provider runs by default. */
export const defaultNodeImage = `grid-run-node:${version}`;
