// Opens WebDriver sessions on a Selenium Grid, retrying with backoff: a hub keeps a node that
// vanished without deregistering listed as UP until its health check fails, and routes new
// sessions to it meanwhile (SessionNotCreatedError ... Connection error).
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pTimeout from 'p-timeout';
import { Builder, Capabilities, type WebDriver } from 'selenium-webdriver';
import type { GridNode, GridStatus, HubClient } from '../grid/hub-client.ts';
import { SharedStatus } from '../grid/shared-status.ts';
import type { Session, SessionFactory } from '../dispatch/session-factory.ts';
import { InfrastructureError, errorMessage } from '../errors.ts';
import { chromeArgsFor, extensionsCapability } from './chrome-flags.ts';
import { WebDriverSession } from './webdriver-session.ts';
import { isLoopbackHost } from '../grid/loopback.ts';
import type { PageRunner, SiteRunOptions } from './run-site.ts';

export type GridSessionOptions = {
  hub: HubClient;
  run: SiteRunOptions;
  /** What each session does with a site (default: runSite). */
  runPage?: PageRunner;
  /** Total time to keep trying before giving up on a session. */
  openBudgetMs?: number;
  /** First backoff; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Bound on one new-session request (it may wait in the hub's queue). */
  requestTimeoutMs?: number;
  extraArgs?: string[];
  /** Packed extensions (CRX3, base64) every session loads: see src/extension/load.ts. */
  extensions?: readonly string[];
};

export function gridCapabilities(extraArgs: string[] = [], extensions: readonly string[] = []): Capabilities {
  const withExtensions = extensions.length > 0;
  return new Capabilities({
    browserName: 'chrome',
    unhandledPromptBehavior: 'dismiss',
    pageLoadStrategy: 'normal',
    // Nodes of grid-run's own image enforce these in their stereotype; other nodes
    // (the official docker-selenium images) get them from the request.
    'goog:chromeOptions': { args: [...chromeArgsFor(withExtensions), ...extraArgs], ...(withExtensions ? { extensions: [...extensions] } : {}) },
    ...(withExtensions ? { [extensionsCapability]: true } : {}),
  });
}

export class GridSessionFactory implements SessionFactory {
  readonly #options: GridSessionOptions;
  readonly #status: SharedStatus;
  // Node's global agent keeps at most 256 idle sockets: with more sessions than that, each
  // command found none free and opened a new connection (issue 16). One pool for this
  // factory's sessions, with room for all of them, ended when the dispatch is done. An idle
  // socket is closed here after 4 s, before a server's usual 5 s keep-alive closes it from its
  // end and leaves it in CLOSE-WAIT until this loop reads that (the agent times out idle ones only).
  readonly #agent = new Agent({ keepAlive: true, timeout: 4000, maxFreeSockets: Infinity });
  #lost = 0;

  constructor(options: GridSessionOptions) {
    this.#options = options;
    this.#status = new SharedStatus(options.hub);
  }

  /** Closes the pooled connections to the hub: none is left for the hub to close (CLOSE-WAIT). */
  close(): void {
    this.#agent.destroy();
  }

  /**
   * Also ends the session at its node: when the hub died or restarted, quitting through the
   * hub cannot reach the session, and the node would keep its slot until the node's session
   * timeout (minutes), leaving a restarted hub nothing to give. A node answers WebDriver
   * commands for its own sessions; a node that is gone simply does not answer.
   */
  lost(session?: Session): void {
    this.#lost++;
    if (session?.node) void endAtNode(session.node, session.id);
  }

  /** A node that does not answer its own /status is gone, with the session it held. */
  async nodeLost(session: Session): Promise<boolean> {
    if (!session.node) return false;
    return !(await answers(`${session.node}/status`));
  }

  async open(signal: AbortSignal): Promise<WebDriverSession> {
    const { hub } = this.#options;
    const budget = this.#options.openBudgetMs ?? 150_000;
    const deadline = Date.now() + budget;
    let backoff = this.#options.backoffMs ?? 1000;
    let attempts = 0;
    let last = '';
    const refused: WebDriver[] = [];
    try {
      while (!signal.aborted) {
        attempts++;
        // A node killed without deregistering stays UP at the hub until its health check fails,
        // and the hub keeps routing new sessions to it; take such nodes off the hub first.
        if (attempts > 1 || this.#lost > 0) await removeDeadNodes(hub);
        try {
          const requestTimeoutMs = this.#options.requestTimeoutMs ?? 120_000;
          const driver = await pTimeout(new Builder().usingServer(hub.url).usingHttpAgent(this.#agent).withCapabilities(gridCapabilities(this.#options.extraArgs, this.#options.extensions)).build(), {
            milliseconds: requestTimeoutMs,
            message: `new session request got no answer in ${requestTimeoutMs / 1000} s`,
          });
          const session = await driver.getSession();
          const caps = await driver.getCapabilities();
          const id = session.getId();
          const node = await locateNode(() => this.#status.fresh(), id);
          const refusal = this.#options.extensions?.length ? extensionRefusal(node) : undefined;
          if (refusal) {
            // Kept until a session lands elsewhere, so that the hub does not hand out the same slot again.
            refused.push(driver);
            last = refusal;
            if (refused.length > refusedAtMost) break;
            continue;
          }
          const info = { id, node: node?.uri, browserVersion: caps.get('browserVersion') as string | undefined, hubUrl: hub.url, debuggerAddress: localDebuggerAddress(node?.uri, caps.get('goog:chromeOptions')) };
          return new WebDriverSession(driver, info, this.#options.run, this.#options.runPage);
        } catch (err) {
          last = errorMessage(err).split('\n')[0] ?? '';
          if (Date.now() + backoff > deadline) break;
          await sleep(backoff, undefined, { signal }).catch(() => undefined);
          backoff = Math.min(backoff * 2, this.#options.maxBackoffMs ?? 10_000);
        }
      }
    } finally {
      await Promise.all(refused.map((d) => d.quit().catch(() => undefined)));
    }
    throw new InfrastructureError(`could not open a browser session on ${hub.url} (${attempts} attempts in ${Math.round(budget / 1000)} s): ${last}`);
  }
}

/** DELETE /session/{id} on the node itself, bounded; whatever it answers is fine. */
async function endAtNode(node: string, sessionId: string): Promise<void> {
  await fetch(`${node.replace(/\/+$/, '')}/session/${encodeURIComponent(sessionId)}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).then(
    (res) => res.body?.cancel(),
    () => undefined,
  );
}

/** Whether anything answers HTTP at `url` within 2 s (any status counts). */
function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    async (res) => {
      await res.body?.cancel();
      return true;
    },
    () => false,
  );
}

/** Nodes the hub lists as UP that do not answer on their own /status. */
async function removeDeadNodes(hub: HubClient): Promise<void> {
  try {
    const { nodes } = await hub.status();
    await Promise.all(
      nodes
        .filter((n) => n.availability === 'UP')
        .map(async (n) => {
          if (!(await answers(`${n.uri}/status`))) await hub.removeNode(n.id).catch(() => undefined);
        }),
    );
  } catch {
    // The hub itself not answering is for the session request to report.
  }
}

/** Sessions on nodes without the extensions capability held at once, at the most, before giving up. */
const refusedAtMost = 16;

/**
 * Why a session that loads extensions may not stay on `node`, or undefined when it may. The
 * grid's slot matcher compares only the capabilities a stereotype has, so a node without
 * grid-run:extensions takes the request too, and its Chromium would ignore the extension.
 */
function extensionRefusal(node: GridNode | undefined): string | undefined {
  if (node?.allowsExtensions) return undefined;
  return `the session landed on ${node?.uri ?? 'a node the hub does not list'}, whose stereotype lacks ${extensionsCapability}: true (it would ignore the extension)`;
}

/** The node holding `sessionId`, from the hub's /status. */
async function locateNode(status: () => Promise<GridStatus>, sessionId: string): Promise<GridNode | undefined> {
  try {
    return (await status()).nodes.find((n) => n.sessionIds.includes(sessionId));
  } catch {
    return undefined;
  }
}

/**
 * chromedriver's `debuggerAddress` (`localhost:<port>`, on the node's machine) when the node runs
 * on this one: only then is that address the browser's.
 */
export function localDebuggerAddress(node: string | undefined, chromeOptions: unknown): string | undefined {
  const address = (chromeOptions as { debuggerAddress?: unknown } | undefined)?.debuggerAddress;
  if (!node || typeof address !== 'string') return undefined;
  const host = (url: string) => {
    try {
      return new URL(url).hostname;
    } catch {
      return undefined;
    }
  };
  const nodeHost = host(node);
  const browserHost = host(`http://${address}`);
  return nodeHost && browserHost && isLoopbackHost(nodeHost) && isLoopbackHost(browserHost) ? address : undefined;
}
