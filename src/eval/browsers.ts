// The browser flags eval's sessions start with, local or on a grid.

/**
 * Saved pages reference stylesheets, images and frames on their original hosts. These
 * flags make every such request fail at once inside Chromium, so nothing leaves the machine
 * and no page waits on a host it cannot reach; loopback (the static server) is not proxied.
 */
export const OFFLINE_ARGS = ['--proxy-server=http://127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'];
