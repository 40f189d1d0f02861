// The flags every Chromium grid-run starts runs with. grid/node.toml carries the same list for
// grid nodes (a test keeps the two equal). --disable-extensions is not among them: a node's
// stereotype args are merged into every request and cannot be taken out, so it is the request
// of a run without --extension that adds it (noExtensionArgs). Without the networking flags Chromium keeps calling
// hosts it cannot reach; --disable-dev-shm-usage keeps it alive in small containers.
export const chromiumBinary = '/usr/bin/chromium';
export const chromedriverBinary = '/usr/bin/chromedriver';

export const chromeArgs: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--mute-audio',
  '--window-size=1280,900',
];

/** Added to the flags of a browser that runs no user extension: nothing but the user's may run. */
export const noExtensionArgs: readonly string[] = ['--disable-extensions'];

/**
 * The stereotype capability of nodes whose Chromium can load extensions (grid/node.toml); an
 * extension run's requests carry it too, and its sessions are kept only on such nodes.
 */
export const extensionsCapability = 'grid-run:extensions';

/** The flags for a browser with or without the user's extensions. */
export function chromeArgsFor(withExtensions: boolean): string[] {
  return withExtensions ? [...chromeArgs] : [...chromeArgs, ...noExtensionArgs];
}
