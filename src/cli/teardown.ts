// What a command started outside its process, stopped whatever happened. Each step is
// registered before its setup runs (a setup that fails or is interrupted half-way still has its
// step), the steps run in reverse order, and running the teardown again runs nothing again.
import { errorMessage } from '../errors.ts';

/** Stops one thing; once `hurry` aborts it waits for no grace period. */
export type TeardownStep = (hurry: AbortSignal) => Promise<void>;

export class Teardown {
  readonly #steps: { what: string; stop: TeardownStep }[] = [];
  #running: Promise<boolean> | undefined;

  /** `what` names the thing in the warning when its step fails ("could not stop the local grid"). */
  add(what: string, stop: TeardownStep): void {
    if (this.#running) throw new Error(`teardown already run: ${what} was started after it`);
    this.#steps.push({ what, stop });
  }

  /**
   * Runs every step, the last added first, each once; a step that fails is warned about and the
   * rest still run. True when every step succeeded. A second call gets the first one's answer.
   */
  run(warn: (line: string) => void, hurry: AbortSignal): Promise<boolean> {
    this.#running ??= this.#runSteps(warn, hurry);
    return this.#running;
  }

  async #runSteps(warn: (line: string) => void, hurry: AbortSignal): Promise<boolean> {
    let ok = true;
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.stop(hurry);
      } catch (err) {
        ok = false;
        warn(`grid-run: could not stop ${step.what}: ${errorMessage(err)}`);
      }
    }
    return ok;
  }
}
