// Defaults more than one command shares, apart from the commands so that none imports another.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** The bundled site lists in sites/: the default of every command that reads sites. */
export const bundledSites = resolve(import.meta.dirname, '../../sites');

/** The grid `run` starts when it is given none: `plan` sizes its chunks for the same slots. */
export const embeddedGrid = {
  nodes: 2,
  slots: Math.max(1, Math.ceil(availableParallelism() / 2)),
};
