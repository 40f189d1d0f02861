// A launch: spot first when asked, on-demand when spot has no capacity.
import type { Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { awsErrorCode, awsErrorKind, explainAwsError } from './errors.ts';
import type { Ec2Instances } from './instances.ts';
import { onDemandInput, spotInput } from './launch-input.ts';

export type Market = {
  spot?: boolean;
  spotMaxPrice?: string;
  /** The idempotency token of this launch; the SDK's retries resend it. */
  token: string;
  /** For the errors: what had no capacity where. */
  instanceType: string;
  subnetId?: string;
};

export async function launch(instances: Ec2Instances, base: RunInstancesCommandInput, market: Market, log: (line: string) => void): Promise<Instance[]> {
  const context = { instanceType: market.instanceType, subnet: market.subnetId };
  if (market.spot) {
    try {
      return await instances.run(spotInput(base, market.token, market.spotMaxPrice));
    } catch (err) {
      if (awsErrorKind(err) !== 'capacity') throw explainAwsError('launching spot instances', err, context);
      log(`ec2: no spot capacity for ${market.instanceType} (${awsErrorCode(err)}); falling back to on-demand`);
    }
  }
  try {
    return await instances.run(onDemandInput(base, market.token));
  } catch (err) {
    throw explainAwsError('launching instances', err, context);
  }
}
