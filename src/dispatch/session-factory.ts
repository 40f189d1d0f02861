// What the dispatcher needs of a browser session. It knows nothing of WebDriver, Docker or AWS.
import type { Detection, DetectorIdentity, FieldVerdict, Site, SiteStatus } from '../types.ts';

export type SiteOutcome = {
  status: Exclude<SiteStatus, 'skipped'>;
  message?: string;
  detection?: Detection;
  /** The comparisons the verdict was made of (none for an error, or a record-only site without baseline). */
  verdicts?: FieldVerdict[];
  /** What produced the detection. */
  detector?: DetectorIdentity;
  timings: { loadMs: number; stepsMs: number; detectMs: number; totalMs: number };
  screenshot?: string;
  /** The session cannot be used again (browser crashed, node gone, page wedged). */
  sessionLost?: boolean;
};

export interface Session {
  readonly id: string;
  /** The grid node that holds the session (its URI), when known. */
  readonly node?: string;
  readonly browserVersion?: string;
  /** Runs one site. Resolves with an outcome for test and infrastructure errors alike. */
  run(site: Site, attempt: number): Promise<SiteOutcome>;
  /** Clears cookies, storage, extra windows and dialogs before the next site. */
  reset(): Promise<void>;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

export interface SessionFactory {
  /** Opens a session; throws an InfrastructureError after its own bounded retries. */
  open(signal: AbortSignal): Promise<Session>;
  /** Told when a session was lost, so the next open can look for the node that went with it. */
  lost?(session: Session): void;
  /**
   * Whether the node of a lost session is gone (not just the session): then the site it was
   * running is not to blame. Bounded; false when it cannot tell.
   */
  nodeLost?(session: Session): Promise<boolean>;
  /** Ends what the factory keeps between sessions (its connections); called once every slot is done. */
  close?(): void;
}
