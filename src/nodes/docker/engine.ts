// The few Docker Engine operations the docker provider needs, behind an interface the project
// owns; dockerode stays in this folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { InfrastructureError, UsageError, errorMessage } from '../../errors.ts';

export type ContainerSpec = {
  name: string;
  image: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  shmSizeBytes: number;
  /** Host networking: the node must be reachable at the address it advertises. */
  networkMode: 'host';
};

export type ContainerSummary = {
  id: string;
  name: string;
  state: string;
  labels: Record<string, string>;
  createdAt: string;
};

export interface ContainerEngine {
  /** Where the engine is, for messages. */
  readonly address: string;
  ping(): Promise<void>;
  hasImage(image: string): Promise<boolean>;
  createAndStart(spec: ContainerSpec): Promise<string>;
  /** Containers carrying all these labels, running or not. */
  list(labels: Record<string, string>): Promise<ContainerSummary[]>;
  state(id: string): Promise<{ running: boolean; status: string; exitCode: number } | undefined>;
  /** The last lines of the container's output, for error messages. */
  logs(id: string, tail: number): Promise<string>;
  /** Stops (SIGTERM, then SIGKILL after the grace period) and removes; quiet if already gone. */
  remove(id: string, graceSeconds: number): Promise<void>;
}

/** dockerode options from DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), like the docker CLI. */
export function dockerOptions(env: NodeJS.ProcessEnv): Docker.DockerOptions & { address: string } {
  const host = env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock', address: 'unix:///var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length), address: host };
  const match = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\]):(\d+)\/?$/.exec(host);
  if (!match) throw new UsageError(`DOCKER_HOST=${host} is not unix:///path or tcp://host:port`);
  const tls = env.DOCKER_TLS_VERIFY === '1' || match[1] === 'https';
  const options: Docker.DockerOptions & { address: string } = {
    host: match[2]!.replace(/^\[|\]$/g, ''),
    port: Number(match[3]),
    protocol: tls ? 'https' : 'http',
    address: host,
  };
  if (tls && env.DOCKER_CERT_PATH) {
    const read = (f: string) => readFileSync(join(env.DOCKER_CERT_PATH!, f));
    Object.assign(options, { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
  }
  return options;
}

export class DockerodeEngine implements ContainerEngine {
  readonly address: string;
  readonly #docker: Docker;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const { address, ...options } = dockerOptions(env);
    this.address = address;
    this.#docker = new Docker(options);
  }

  async ping(): Promise<void> {
    try {
      await this.#docker.ping();
    } catch (err) {
      throw new InfrastructureError(
        `no Docker engine answers at ${this.address} (${errorMessage(err)}); start one, or set DOCKER_HOST. ` +
          'On Debian: `bash grid/docker-setup.sh` installs and starts one.',
        { cause: err },
      );
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.#docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw wrap(`inspecting image ${image}`, err);
    }
  }

  async createAndStart(spec: ContainerSpec): Promise<string> {
    let container: Docker.Container;
    try {
      container = await this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        HostConfig: { NetworkMode: spec.networkMode, ShmSize: spec.shmSizeBytes, AutoRemove: false },
      });
    } catch (err) {
      throw wrap(`creating container ${spec.name}`, err);
    }
    try {
      await container.start();
    } catch (err) {
      await this.remove(container.id, 0).catch(() => undefined);
      throw wrap(`starting container ${spec.name}`, err);
    }
    return container.id;
  }

  async list(labels: Record<string, string>): Promise<ContainerSummary[]> {
    try {
      const found = await this.#docker.listContainers({
        all: true,
        filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
      });
      return found.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        state: c.State,
        labels: c.Labels,
        createdAt: new Date(c.Created * 1000).toISOString(),
      }));
    } catch (err) {
      throw wrap('listing containers', err);
    }
  }

  async state(id: string): Promise<{ running: boolean; status: string; exitCode: number } | undefined> {
    try {
      const info = await this.#docker.getContainer(id).inspect();
      return { running: info.State.Running, status: info.State.Status, exitCode: info.State.ExitCode };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw wrap(`inspecting container ${id.slice(0, 12)}`, err);
    }
  }

  async logs(id: string, tail: number): Promise<string> {
    try {
      const raw = (await this.#docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false }));
      return demux(raw);
    } catch (err) {
      return `(no log: ${errorMessage(err)})`;
    }
  }

  async remove(id: string, graceSeconds: number): Promise<void> {
    const container = this.#docker.getContainer(id);
    try {
      await container.stop({ t: graceSeconds });
    } catch (err) {
      // 304: already stopped; 404: already gone. Either way removal below decides.
      if (statusOf(err) !== 304 && statusOf(err) !== 404) throw wrap(`stopping container ${id.slice(0, 12)}`, err);
    }
    try {
      await container.remove({ force: true, v: true });
    } catch (err) {
      // 409 "removal already in progress" ends the same way.
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw wrap(`removing container ${id.slice(0, 12)}`, err);
    }
  }
}

/** Docker multiplexes stdout/stderr of a non-TTY container in 8-byte-framed chunks. */
export function demux(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length && raw[offset]! <= 2 && raw[offset + 1] === 0) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? raw.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number })?.statusCode;
}

function wrap(what: string, err: unknown): InfrastructureError {
  return new InfrastructureError(`docker: ${what} failed: ${errorMessage(err).trim()}`, { cause: err });
}
