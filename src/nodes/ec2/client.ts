// The EC2 client grid-run makes. The SDK's standard retry strategy is the one retry policy of
// every call (throttling, 5xx and timeouts, exponential backoff with jitter, a retry quota);
// nothing retries on top of it. Standard rather than adaptive: adaptive adds a client-side rate
// limiter for many concurrent callers, and grid-run makes a few calls, one after another.
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';

/** The one method of the SDK client grid-run uses; an EC2Client satisfies it, and aws-sdk-client-mock stands in for it. */
export type Ec2Api = Pick<EC2Client, 'send'>;

/** Attempts per call, the first included: a throttled call then waits up to about 15 s in all (0.5 s x 2^n, jittered). */
export const ec2MaxAttempts = 6;

export function createEc2Client(region: string, config: Pick<EC2ClientConfig, 'endpoint' | 'credentials' | 'maxAttempts'> = {}): EC2Client {
  return new EC2Client({ region, retryMode: 'standard', maxAttempts: ec2MaxAttempts, ...config });
}
