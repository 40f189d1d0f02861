// The flags every Chromium grid-run starts runs with. grid/node.toml carries the same list for
// grid nodes (a test keeps the two equal). Without the networking flags Chromium keeps calling
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
  '--disable-extensions',
  '--mute-audio',
  '--window-size=1280,900',
];
