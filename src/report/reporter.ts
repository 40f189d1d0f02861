// Reporters see the run as a stream of plain events; none of them can change its course.
import type { Chunk, DetectorIdentity, Site, SiteResult } from '../types.ts';

export type RunInfo = {
  runId: string;
  gridUrl: string;
  sites: Site[];
  chunks: Chunk[];
  /** Slots the dispatcher will use at once. */
  concurrency: number;
  startedAt: Date;
  /** What detects the login form on every site of the run. */
  detector?: DetectorIdentity;
  /** This run's share of the list with --shard: shard `current` of `total` (1-based). */
  shard?: Shard;
};

export type Shard = { current: number; total: number };

export type RunSummary = {
  total: number;
  passed: number;
  /** Failed sites that fail the run: known failures still failing are counted in `known` instead. */
  failed: number;
  /** Known failures that still fail. */
  known: number;
  /** Known failures that passed: to be removed from the known failures. */
  fixed: number;
  /** With --strict-known a fixed known failure fails the run. */
  strictKnown?: boolean;
  errors: number;
  skipped: number;
  flaky: number;
  wallMs: number;
  sitesPerMinute: number;
  /** Busy slot-time over available slot-time, 0..1. */
  slotUtilisation: number;
  sessionsCreated: number;
  /** Set when the run was interrupted (SIGINT/SIGTERM) or ended by an infrastructure failure. */
  interrupted?: string;
};

/** A site has started on a slot (for per-node activity). */
export type SiteStart = { siteId: string; node?: string; slot: number; attempt: number };

export interface Reporter {
  onBegin?(info: RunInfo): void | Promise<void>;
  onSiteStart?(start: SiteStart): void;
  /** Called once per site with its final result (retries and requeues are already folded in). */
  onSiteEnd?(result: SiteResult): void;
  /** A line worth showing the user: a node lost, a session retried. */
  onNotice?(message: string): void;
  /** Write outputs. Must work on a partial run: unfinished sites arrive as `skipped` results. */
  onEnd?(results: SiteResult[], summary: RunSummary): void | Promise<void>;
}
