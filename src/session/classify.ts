// Which WebDriver errors mean the session is gone (node lost, browser crashed) rather than
// something about the page. Decided here once; the dispatcher only reads `sessionLost`.
import { error as wdError } from 'selenium-webdriver';

const lostPatterns = [
  /invalid session id/i,
  /session deleted/i,
  /no such session/i,
  /chrome not reachable/i,
  /disconnected/i,
  /target window already closed/i,
  /tab crashed/i,
  /session .* not found/i,
  /unable to execute request for an existing session/i,
  /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/i,
  /unknown error: cannot determine loading status/i,
];

export function isSessionLost(err: unknown): boolean {
  if (err instanceof wdError.NoSuchSessionError) return true;
  const text = err instanceof Error ? `${err.name} ${err.message} ${causeText((err as { cause?: unknown }).cause)}` : String(err);
  return lostPatterns.some((p) => p.test(text));
}

export function isTimeout(err: unknown): boolean {
  return err instanceof wdError.TimeoutError || err instanceof wdError.ScriptTimeoutError || /timeout|timed out/i.test(String((err as Error)?.message));
}

/** chromedriver's answer once the page's renderer died (out of memory, a renderer fault): it notices at once. */
export function isTabCrashed(err: unknown): boolean {
  return /tab crashed/i.test(String((err as Error)?.message));
}

/** chromedriver's answer when the page's scripts never yield: the renderer is busy for good. */
export function isRendererBusy(err: unknown): boolean {
  return /timed out receiving message from renderer/i.test(String((err as Error)?.message));
}

// A lost connection often shows only in the cause (an Error, or the code's string).
function causeText(cause: unknown): string {
  return cause instanceof Error || typeof cause === 'string' ? String(cause) : '';
}
