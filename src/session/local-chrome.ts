// One Chromium driven straight through a local chromedriver, no grid: for dry-run and eval.
import { existsSync } from 'node:fs';
import pTimeout from 'p-timeout';
import { Builder, type WebDriver } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';
import { InfrastructureError, errorMessage } from '../errors.ts';
import { chromeArgsFor, chromedriverBinary, chromiumBinary } from './chrome-flags.ts';

export type LocalChromeOptions = {
  chromium?: string;
  chromedriver?: string;
  /** Extra Chromium flags. */
  args?: string[];
  /** Packed extensions (CRX3, base64) to install: see src/extension/load.ts. */
  extensions?: readonly string[];
  /** Bound on start-up; chromedriver itself has no timeout for a browser that hangs. */
  startTimeoutMs?: number;
};

export type LocalChrome = { driver: WebDriver; stop(): Promise<void> };

export async function startLocalChrome(options: LocalChromeOptions = {}): Promise<LocalChrome> {
  const binary = options.chromium ?? chromiumBinary;
  const driverPath = options.chromedriver ?? chromedriverBinary;
  for (const [what, path, pkg] of [['Chromium', binary, 'chromium'], ['chromedriver', driverPath, 'chromium-driver']] as const) {
    if (!existsSync(path)) {
      throw new InfrastructureError(`${what} is not installed at ${path}: run \`npm run setup\` (installs Debian's ${pkg})`);
    }
  }
  const chromeOptions = new chrome.Options().setChromeBinaryPath(binary);
  const extensions = options.extensions ?? [];
  chromeOptions.addArguments(...chromeArgsFor(extensions.length > 0), ...(options.args ?? []));
  if (extensions.length > 0) chromeOptions.addExtensions(...extensions.map((crx) => Buffer.from(crx, 'base64')));
  const service = new chrome.ServiceBuilder(driverPath).setLoopback(true);
  const builder = new Builder().forBrowser('chrome').setChromeOptions(chromeOptions).setChromeService(service);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    const driver = await pTimeout(builder.build(), { milliseconds: startTimeoutMs, message: `no browser after ${startTimeoutMs / 1000} s` });
    let stopped = false;
    return {
      driver,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await driver.quit().catch(() => undefined);
      },
    };
  } catch (err) {
    throw new InfrastructureError(`could not start Chromium (${binary}) through chromedriver (${driverPath}): ${firstLine(errorMessage(err))}`, { cause: err });
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
