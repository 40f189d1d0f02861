// The RunInstances requests of a launch: what every node instance is (AMI, type, network,
// IMDSv2, terminate on shutdown, tags, boot script), then its market and idempotency token.
import type { RunInstancesCommandInput, _InstanceType } from '@aws-sdk/client-ec2';
import type { HubEndpoint } from '../provider.ts';
import { instanceTags } from './tags.ts';
import { renderUserData } from './user-data.ts';

export type LaunchSpec = {
  pool: string;
  runId: string;
  owner?: string;
  hub: HubEndpoint;
  region: string;
  image: string;
  slots: number;
  ami: string;
  instanceType: string;
  subnetId?: string;
  securityGroupIds?: string[];
  keyName?: string;
  /** Instance profile name or ARN. */
  instanceProfile?: string;
  nodePort: number;
  nodeAddress: 'private' | 'public';
  maxLifetimeMinutes: number;
  secretParameter?: string;
};

/** The input for `count` nodes, without market options or token. */
export function launchInput(spec: LaunchSpec, count: number): RunInstancesCommandInput {
  const userData = renderUserData({
    pool: spec.pool,
    runId: spec.runId,
    image: spec.image,
    hub: spec.hub,
    slots: spec.slots,
    nodePort: spec.nodePort,
    maxLifetimeMinutes: spec.maxLifetimeMinutes,
    nodeAddress: spec.nodeAddress,
    region: spec.region,
    secretParameter: spec.secretParameter,
  });
  const tags = instanceTags(spec);
  const profile = spec.instanceProfile ? (spec.instanceProfile.startsWith('arn:') ? { Arn: spec.instanceProfile } : { Name: spec.instanceProfile }) : undefined;
  return {
    ImageId: spec.ami,
    InstanceType: spec.instanceType as _InstanceType,
    MinCount: count,
    MaxCount: count,
    UserData: Buffer.from(userData, 'utf8').toString('base64'),
    InstanceInitiatedShutdownBehavior: 'terminate',
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
    ...(spec.subnetId ? { SubnetId: spec.subnetId } : {}),
    ...(spec.securityGroupIds?.length ? { SecurityGroupIds: spec.securityGroupIds } : {}),
    ...(spec.keyName ? { KeyName: spec.keyName } : {}),
    ...(profile ? { IamInstanceProfile: profile } : {}),
  };
}

// One token per market: a retry with the same token and input returns the same launch instead
// of a second one; the on-demand fallback is a different request, so it has a token of its own.
export function spotInput(base: RunInstancesCommandInput, token: string, maxPrice?: string): RunInstancesCommandInput {
  return {
    ...base,
    ClientToken: `${token}-spot`.slice(0, 64),
    InstanceMarketOptions: {
      MarketType: 'spot',
      SpotOptions: {
        SpotInstanceType: 'one-time',
        InstanceInterruptionBehavior: 'terminate',
        ...(maxPrice ? { MaxPrice: maxPrice } : {}),
      },
    },
  };
}

export function onDemandInput(base: RunInstancesCommandInput, token: string): RunInstancesCommandInput {
  return { ...base, ClientToken: `${token}-od`.slice(0, 64) };
}
