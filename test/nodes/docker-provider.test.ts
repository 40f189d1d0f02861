import assert from 'node:assert/strict';
import { DockerNodeProvider, type DockerProviderOptions } from '../../src/nodes/docker/provider.ts';
import { dockerOptions, demux, type ContainerEngine, type ContainerSpec, type ContainerSummary } from '../../src/nodes/docker/engine.ts';
import { hubEndpoint } from '../../src/nodes/provider.ts';
import { InfrastructureError, UsageError } from '../../src/errors.ts';
import { FakeWaitClock, FakeHub } from './fakes.ts';

type FakeContainer = ContainerSummary & { spec: ContainerSpec; running: boolean };

/** Containers in memory; `onStart` decides what a started node does (register, exit, nothing). */
class FakeEngine implements ContainerEngine {
  readonly address = 'unix:///var/run/docker.sock';
  containers: FakeContainer[] = [];
  removed: string[] = [];
  image = true;
  onStart: (c: FakeContainer) => void = () => undefined;
  #n = 0;
  async ping(): Promise<void> {}
  async hasImage(): Promise<boolean> {
    return this.image;
  }
  async createAndStart(spec: ContainerSpec): Promise<string> {
    const c: FakeContainer = { id: `c${++this.#n}`.padEnd(16, '0'), name: spec.name, state: 'running', labels: spec.labels, createdAt: `2026-11-27T10:00:0${this.#n}Z`, spec, running: true };
    this.containers.push(c);
    this.onStart(c);
    return c.id;
  }
  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    return this.containers.filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }
  async state(id: string) {
    const c = this.containers.find((x) => x.id === id);
    return c && { running: c.running, status: c.state, exitCode: c.running ? 0 : 2 };
  }
  async logs(): Promise<string> {
    return 'grid-run-node: SE_EVENT_BUS_HOST is not set';
  }
  async remove(id: string): Promise<void> {
    this.removed.push(id);
    this.containers = this.containers.filter((c) => c.id !== id);
  }
}

describe('DockerNodeProvider (fake engine)', () => {
  let hub: FakeHub;
  let engine: FakeEngine;
  let clock: FakeWaitClock;

  beforeEach(() => {
    hub = new FakeHub();
    engine = new FakeEngine();
    clock = new FakeWaitClock();
  });

  const make = (over: Partial<DockerProviderOptions> = {}) =>
    new DockerNodeProvider({
      pool: 'local',
      runId: 'run-7',
      hub: hubEndpoint('http://127.0.0.1:4444'),
      hubClient: hub,
      engine,
      image: 'grid-run-node:test',
      slots: 2,
      portRange: [47600, 47699],
      clock,
      readyTimeoutMs: 30_000,
      ...over,
    });

  it('starts labelled host-network containers with the docker-selenium environment and waits for registration', async () => {
    engine.onStart = (c) => hub.register(`http://127.0.0.1:${c.spec.env.SE_NODE_PORT}`, 2);
    const nodes = await make({ secret: 's3' }).provision(2);
    assert.equal(nodes.length, 2);
    const spec = engine.containers[0]!.spec;
    assert.equal(spec.networkMode, 'host');
    assert.equal(spec.shmSizeBytes, 2 * 1024 ** 3);
    assert.deepEqual(
      { pool: spec.labels['grid-run.pool'], run: spec.labels['grid-run.run-id'], by: spec.labels['grid-run.managed-by'] },
      { pool: 'local', run: 'run-7', by: 'grid-run' },
    );
    assert.deepEqual(spec.env, {
      SE_EVENT_BUS_HOST: '127.0.0.1',
      SE_EVENT_BUS_PUBLISH_PORT: '4442',
      SE_EVENT_BUS_SUBSCRIBE_PORT: '4443',
      SE_NODE_HOST: '127.0.0.1',
      SE_NODE_PORT: spec.labels['grid-run.node-port'],
      SE_NODE_MAX_SESSIONS: '2',
      SE_NODE_OVERRIDE_MAX_SESSIONS: 'true',
      SE_REGISTRATION_SECRET: 's3',
    });
    assert.notEqual(engine.containers[0]!.spec.env.SE_NODE_PORT, engine.containers[1]!.spec.env.SE_NODE_PORT);
  });

  it('removes a container that never registers before raising the error, naming the wait and the log', async () => {
    await assert.rejects(make().provision(1), (err: Error) => {
      assert.ok(err instanceof InfrastructureError);
      assert.match(err.message, /did not register at http:\/\/\S+ with 2 slot\(s\) within 30 s/);
      assert.match(err.message, /last lines of its log/);
      return true;
    });
    assert.equal(engine.containers.length, 0);
    assert.equal(engine.removed.length, 1);
  });

  it('stops waiting as soon as the container exits', async () => {
    engine.onStart = (c) => {
      c.running = false;
      c.state = 'exited';
    };
    await assert.rejects(make().provision(1), /stopped before it registered.*exited \(exit code 2\)[\s\S]*SE_EVENT_BUS_HOST is not set/);
    assert.equal(clock.sleeps.length, 0);
    assert.equal(engine.containers.length, 0);
  });

  it('says how to build the image when it is missing', async () => {
    engine.image = false;
    await assert.rejects(make().provision(1), /npm run image:build/);
  });

  it('refuses a non-loopback hub without a secret and node address', () => {
    assert.throws(() => make({ hub: hubEndpoint('http://10.1.2.3:4444') }), UsageError);
    assert.throws(() => make({ hub: hubEndpoint('http://10.1.2.3:4444'), nodeHost: '10.1.2.4' }), /registration secret/);
  });

  it('sweeps by label, taking nodes off the hub first', async () => {
    engine.onStart = (c) => hub.register(`http://127.0.0.1:${c.spec.env.SE_NODE_PORT}`, 2);
    await make().provision(2);
    await make({ pool: 'other' }).provision(1);
    const swept = await make().sweep({ runId: 'run-7' });
    assert.equal(swept.length, 3);
    assert.equal(engine.containers.length, 0);
    assert.equal(hub.nodes.length, 0);
  });

  it('removes a big pool a few containers at a time, every one of them', async () => {
    engine.onStart = (c) => hub.register(`http://127.0.0.1:${c.spec.env.SE_NODE_PORT}`, 2);
    await make().provision(12);
    let running = 0;
    let most = 0;
    const remove = engine.remove.bind(engine);
    engine.remove = async (id: string) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setImmediate(r));
      await remove(id);
      running--;
    };
    const swept = await make().sweep({ pool: 'local' });
    assert.equal(swept.length, 12);
    assert.equal(engine.containers.length, 0);
    assert.equal(most, 4, 'four removals at once, no more');
  });

  it('reads DOCKER_HOST like the docker CLI', () => {
    assert.deepEqual(dockerOptions({}), { socketPath: '/var/run/docker.sock', address: 'unix:///var/run/docker.sock' });
    assert.deepEqual(dockerOptions({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), {
      socketPath: '/run/user/1000/docker.sock',
      address: 'unix:///run/user/1000/docker.sock',
    });
    assert.deepEqual(dockerOptions({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }), { host: '127.0.0.1', port: 2375, protocol: 'http', address: 'tcp://127.0.0.1:2375' });
    assert.throws(() => dockerOptions({ DOCKER_HOST: 'ssh://me@box' }), UsageError);
  });

  it('demultiplexes docker log frames', () => {
    const frame = (stream: number, text: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
    assert.equal(demux(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])), 'out\nerr\n');
    assert.equal(demux(Buffer.from('plain tty output')), 'plain tty output');
  });
});
