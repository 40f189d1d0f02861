// One hub /status answer shared by every caller that can use it. Each new session asks which
// node holds it; with a thousand sessions opening at once, a thousand requests for the whole
// grid's status (every node, every slot: O(slots) each) cost the CLI and the hub O(slots²).
// A caller needs an answer the hub gave after its session existed, so it joins the next request
// that starts after its call: at most one request in flight and one waiting.
import type { GridStatus, HubClient } from './hub-client.ts';

export class SharedStatus {
  readonly #hub: Pick<HubClient, 'status'>;
  #inFlight: Promise<GridStatus> | undefined;
  #next: Promise<GridStatus> | undefined;

  constructor(hub: Pick<HubClient, 'status'>) {
    this.#hub = hub;
  }

  /** The hub's status, from a request started after this call. */
  fresh(): Promise<GridStatus> {
    if (!this.#inFlight) return this.#start();
    // The request in flight may have been answered before this caller's session existed.
    this.#next ??= this.#inFlight.then(
      () => this.#start(),
      () => this.#start(),
    );
    return this.#next;
  }

  #start(): Promise<GridStatus> {
    this.#next = undefined;
    const request = this.#hub.status();
    this.#inFlight = request;
    const clear = () => {
      if (this.#inFlight === request) this.#inFlight = undefined;
    };
    request.then(clear, clear);
    return request;
  }
}
