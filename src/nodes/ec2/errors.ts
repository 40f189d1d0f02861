// AWS errors sorted once into what a user can act on. Messages name the code and the fix,
// never a credential (AWS does not echo secrets in its error messages, and we add none).
import { InfrastructureError, UsageError, errorMessage } from '../../errors.ts';

export type AwsErrorKind = 'credentials' | 'permission' | 'capacity' | 'quota' | 'throttling' | 'not-found' | 'other';

const kinds: Record<string, AwsErrorKind> = {
  CredentialsProviderError: 'credentials',
  InvalidClientTokenId: 'credentials',
  AuthFailure: 'credentials',
  SignatureDoesNotMatch: 'credentials',
  ExpiredToken: 'credentials',
  RequestExpired: 'credentials',
  UnauthorizedOperation: 'permission',
  AccessDenied: 'permission',
  InsufficientInstanceCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientReservedInstanceCapacity: 'capacity',
  InsufficientCapacityOnOutpost: 'capacity',
  SpotMaxPriceTooLow: 'capacity',
  InstanceLimitExceeded: 'quota',
  VcpuLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  InsufficientFreeAddressesInSubnet: 'quota',
  RequestLimitExceeded: 'throttling',
  Throttling: 'throttling',
  ThrottlingException: 'throttling',
  RequestThrottled: 'throttling',
  TooManyRequestsException: 'throttling',
  ServiceUnavailable: 'throttling',
  Unavailable: 'throttling',
  'InvalidInstanceID.NotFound': 'not-found',
};

export function awsErrorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string } | undefined;
  return e?.Code ?? e?.code ?? e?.name ?? 'Error';
}

export function awsErrorKind(err: unknown): AwsErrorKind {
  const code = awsErrorCode(err);
  if (kinds[code]) return kinds[code];
  if (/could not load credentials|credential/i.test(errorMessage(err)) && code !== 'UnauthorizedOperation') return 'credentials';
  return 'other';
}

/** The error a user sees: what failed, the AWS code, and what to do about it. */
export function explainAwsError(what: string, err: unknown, context: { instanceType?: string; subnet?: string } = {}): Error {
  const code = awsErrorCode(err);
  // The SDK's retry middleware records how often it tried; the message says so when it retried.
  const attempts = (err as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
  const detail = `${code}: ${errorMessage(err)}${attempts > 1 ? `, after ${attempts} attempts` : ''}`;
  switch (awsErrorKind(err)) {
    case 'credentials':
      return new UsageError(
        `ec2: ${what}: no usable AWS credentials (${detail}). grid-run uses the standard chain: ` +
          'AWS_PROFILE or ~/.aws, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, or an instance/task role',
        { cause: err },
      );
    case 'permission':
      return new UsageError(`ec2: ${what}: the AWS identity may not do this (${detail}); it needs ec2:RunInstances, ec2:CreateTags, ec2:DescribeInstances, ec2:TerminateInstances (and iam:PassRole for an instance profile)`, { cause: err });
    case 'capacity':
      return new InfrastructureError(
        `ec2: ${what}: AWS has no capacity for ${context.instanceType ?? 'this instance type'}${context.subnet ? ` in subnet ${context.subnet}` : ''} (${detail}); ` +
          'try another --instance-type or --subnet (another availability zone), or later',
        { cause: err },
      );
    case 'quota':
      return new InfrastructureError(`ec2: ${what}: an account quota is exhausted (${detail}); ask for a higher quota (Service Quotas) or scale to fewer nodes`, { cause: err });
    case 'throttling':
      return new InfrastructureError(`ec2: ${what}: AWS kept throttling the requests (${detail}); try again later`, { cause: err });
    default:
      return new InfrastructureError(`ec2: ${what} failed (${detail})`, { cause: err });
  }
}
