// In-memory stand-ins for the hub, the clock and EC2, shared by the node provider tests.
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { GridNode, GridStatus, GridSummary, HubClient } from '../../src/grid/hub-client.ts';
import type { WaitClock } from '../../src/wait.ts';
import { forSuite } from '../helpers/suite.ts';

export class FakeHub implements HubClient {
  readonly url = 'http://10.0.0.5:4444';
  nodes: GridNode[] = [];
  calls: string[] = [];

  register(uri: string, slots = 1, busySlots = 0): GridNode {
    const node: GridNode = { id: `node-${uri}`, uri, availability: 'UP', maxSessions: slots, slots, busySlots, sessionIds: [] };
    this.nodes.push(node);
    return node;
  }

  async status(): Promise<GridStatus> {
    return { ready: this.nodes.length > 0, message: '', nodes: this.nodes.map((n) => ({ ...n })) };
  }
  async summary(): Promise<GridSummary> {
    const status = await this.status();
    return { ...status, queueSize: 0, totalSlots: 0, busySlots: 0, freeSlots: 0 };
  }
  async drain(nodeId: string): Promise<void> {
    this.calls.push(`drain ${nodeId}`);
    const node = this.nodes.find((n) => n.id === nodeId);
    if (node) node.availability = 'DRAINING';
  }
  async removeNode(nodeId: string): Promise<void> {
    this.calls.push(`remove ${nodeId}`);
    this.nodes = this.nodes.filter((n) => n.id !== nodeId);
  }
}

/** Time moves only when someone sleeps; `onSleep` lets a test change the world meanwhile. */
export class FakeWaitClock implements WaitClock {
  t = 1_700_000_000_000;
  sleeps: number[] = [];
  onSleep: (() => void) | undefined;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.();
  }
}

/** EC2Client stubbed while the calling suite runs only: ec2-retries.test.ts needs the real send and its retries. */
export function mockEc2ForSuite(): () => AwsClientStub<EC2Client> {
  return forSuite(() => mockClient(EC2Client), (ec2) => ec2.restore());
}
