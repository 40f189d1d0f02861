// The EC2 calls on instances: run, describe, terminate, wait for running. Each is one `send`
// (the client's retry strategy retries it, see client.ts) and each failure is explained once.
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  type DescribeInstancesCommandOutput,
  type EC2Client,
  type Filter,
  type Instance,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import { InfrastructureError, errorMessage } from '../../errors.ts';
import type { Ec2Api } from './client.ts';
import { awsErrorKind, explainAwsError } from './errors.ts';
import { tokenFilters } from './tags.ts';

/** TerminateInstances takes at most this many ids. */
const terminateBatch = 1000;

export type RunningWait = {
  timeoutMs: number;
  /** Seconds between the SDK waiter's polls. */
  delay: { min: number; max: number };
};

export class Ec2Instances {
  readonly #client: Ec2Api;
  readonly #pool: string;
  readonly #log: (line: string) => void;

  constructor(client: Ec2Api, pool: string, log: (line: string) => void) {
    this.#client = client;
    this.#pool = pool;
    this.#log = log;
  }

  /** RunInstances; on failure, whatever its token launched anyway is terminated. */
  async run(input: RunInstancesCommandInput): Promise<Instance[]> {
    let output: RunInstancesCommandOutput;
    try {
      output = await this.#client.send(new RunInstancesCommand(input));
    } catch (err) {
      // A request that failed after AWS acted on it (a lost response, throttled retries
      // giving up) may still have launched something under this token: end it.
      await this.#terminateByToken(input.ClientToken!);
      throw err;
    }
    const instances = output.Instances ?? [];
    if (instances.length < (input.MinCount ?? 1)) {
      await this.terminate(idsOf(instances));
      throw new InfrastructureError(`ec2: RunInstances returned ${instances.length} of ${input.MinCount} instances; those were terminated`);
    }
    return instances;
  }

  async describe(filters: Filter[]): Promise<Instance[]> {
    const found: Instance[] = [];
    let next: string | undefined;
    do {
      const page: DescribeInstancesCommandOutput = await this.#client.send(new DescribeInstancesCommand({ Filters: filters, NextToken: next })).catch((err: unknown) => {
        throw explainAwsError('listing instances', err);
      });
      for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
      next = page.NextToken;
    } while (next);
    return found;
  }

  /** Quiet about instances already gone. */
  async terminate(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += terminateBatch) {
      const batch = ids.slice(i, i + terminateBatch);
      try {
        await this.#client.send(new TerminateInstancesCommand({ InstanceIds: batch }));
        this.#log(`ec2: terminating ${batch.join(', ')}`);
      } catch (err) {
        if (awsErrorKind(err) === 'not-found') continue;
        throw explainAwsError(`terminating ${batch.join(', ')} (terminate them by hand, or run \`grid-run scale-nodes 0 --provider ec2 --pool ${this.#pool}\`)`, err);
      }
    }
  }

  /** The SDK's waiter, bounded by `wait.timeoutMs`. */
  async waitRunning(ids: string[], wait: RunningWait): Promise<void> {
    try {
      await waitUntilInstanceRunning(
        {
          client: this.#client as EC2Client,
          maxWaitTime: Math.max(1, Math.round(wait.timeoutMs / 1000)),
          minDelay: wait.delay.min,
          maxDelay: wait.delay.max,
        },
        { InstanceIds: ids },
      );
    } catch (err) {
      const kind = awsErrorKind(err);
      if (kind !== 'other' && kind !== 'not-found') throw explainAwsError('waiting for instances to run', err);
      throw new InfrastructureError(
        `ec2: instances ${ids.join(', ')} did not reach "running" within ${Math.round(wait.timeoutMs / 1000)} s (${errorMessage(err).split('\n')[0]}); they are being terminated`,
        { cause: err },
      );
    }
  }

  async #terminateByToken(token: string): Promise<void> {
    try {
      await this.terminate(idsOf(await this.describe(tokenFilters(token))));
    } catch (err) {
      this.#log(`ec2: could not check for instances left by a failed launch (${errorMessage(err)}); sweep the pool to be sure`);
    }
  }
}

export function idsOf(instances: Instance[]): string[] {
  return instances.flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
}
