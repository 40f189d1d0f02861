// The boot script of an EC2 node: Docker, the node container pointed at the hub, and a
// lifetime guard. Every value is validated here and then single-quoted into a shell
// variable; the script body only ever uses "$VAR", so no value is parsed as shell.
import { UsageError } from '../../errors.ts';
import { checkId, labels, type HubEndpoint } from '../provider.ts';

export type UserDataInput = {
  pool: string;
  runId: string;
  image: string;
  hub: HubEndpoint;
  slots: number;
  nodePort: number;
  /** The instance shuts down (and so terminates) after this long, whatever happens. */
  maxLifetimeMinutes: number;
  /** Which instance address the node advertises: the hub must reach it there. */
  nodeAddress: 'private' | 'public';
  region: string;
  /** SSM parameter (SecureString) with the registration secret, read at boot with the instance profile. */
  secretParameter?: string;
};

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const imagePattern = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const hostPattern = /^([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+$|^[0-9A-Fa-f:]+$/;
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;
const parameterPattern = /^[A-Za-z0-9_.\-/]{1,2048}$/;

export function checkUserDataInput(input: UserDataInput): void {
  checkId('pool', input.pool);
  checkId('run id', input.runId);
  if (!imagePattern.test(input.image) || input.image.length > 255) throw new UsageError(`node image ${JSON.stringify(input.image)} is not an image reference`);
  if (!hostPattern.test(input.hub.eventBusHost)) throw new UsageError(`hub host ${JSON.stringify(input.hub.eventBusHost)} is not a host name or address`);
  for (const [name, port] of [
    ['event bus publish port', input.hub.publishPort],
    ['event bus subscribe port', input.hub.subscribePort],
    ['node port', input.nodePort],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${name} ${port} is not a port`);
  }
  if (!Number.isInteger(input.slots) || input.slots < 1 || input.slots > 32) throw new UsageError(`slots ${input.slots} must be 1-32`);
  if (!Number.isInteger(input.maxLifetimeMinutes) || input.maxLifetimeMinutes < 5 || input.maxLifetimeMinutes > 7 * 24 * 60) {
    throw new UsageError(`max lifetime ${input.maxLifetimeMinutes} min must be 5 min to 7 days`);
  }
  if (!regionPattern.test(input.region)) throw new UsageError(`region ${JSON.stringify(input.region)} is not an AWS region`);
  if (input.secretParameter !== undefined && !parameterPattern.test(input.secretParameter)) {
    throw new UsageError(`secret parameter ${JSON.stringify(input.secretParameter)} is not an SSM parameter name`);
  }
}

export function renderUserData(input: UserDataInput): string {
  checkUserDataInput(input);
  const vars: [string, string][] = [
    ['POOL', input.pool],
    ['RUN_ID', input.runId],
    ['IMAGE', input.image],
    ['EVENT_BUS_HOST', input.hub.eventBusHost],
    ['PUBLISH_PORT', String(input.hub.publishPort)],
    ['SUBSCRIBE_PORT', String(input.hub.subscribePort)],
    ['NODE_PORT', String(input.nodePort)],
    ['SLOTS', String(input.slots)],
    ['MAX_LIFETIME_MINUTES', String(input.maxLifetimeMinutes)],
    ['NODE_ADDRESS', input.nodeAddress === 'public' ? 'public-ipv4' : 'local-ipv4'],
    ['REGION', input.region],
    ['SECRET_PARAMETER', input.secretParameter ?? ''],
  ];
  return `#!/bin/bash
# grid-run node bootstrap, rendered by grid-run. Values are validated and quoted where they are set.
set -euo pipefail
${vars.map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')}
CONTAINER="grid-run-node-$POOL"
log() { echo "grid-run-node: $*" >&2; }

# 1. Lifetime guard before anything can fail: with InstanceInitiatedShutdownBehavior=terminate
#    a shutdown ends the instance, so a node nobody removes still stops costing money.
shutdown -h "+$MAX_LIFETIME_MINUTES" "grid-run: maximum lifetime of $MAX_LIFETIME_MINUTES min reached" \\
  || { log "could not schedule the lifetime guard; stopping now"; shutdown -h now; exit 1; }

# 2. Docker, installed only where the AMI lacks it.
if ! command -v docker >/dev/null 2>&1; then
  log "installing docker"
  if command -v dnf >/dev/null 2>&1; then dnf install -y docker
  elif command -v yum >/dev/null 2>&1; then yum install -y docker
  elif command -v apt-get >/dev/null 2>&1; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io
  else log "no package manager to install docker with"; exit 1
  fi
fi
if ! docker info >/dev/null 2>&1; then systemctl enable --now docker; fi
for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info >/dev/null

# 3. The address the hub reaches this node at, from the instance metadata (IMDSv2).
imds_token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
NODE_HOST=$(curl -sf -H "X-aws-ec2-metadata-token: $imds_token" "http://169.254.169.254/latest/meta-data/$NODE_ADDRESS")
case $NODE_HOST in *[!0-9.]*|'') log "instance metadata gave no usable $NODE_ADDRESS"; exit 1 ;; esac

# 4. The registration secret comes from SSM with the instance profile, never through user-data.
env_file=$(mktemp)
chmod 600 "$env_file"
if [ -n "$SECRET_PARAMETER" ]; then
  command -v aws >/dev/null 2>&1 || { dnf install -y awscli 2>/dev/null || apt-get install -y -q awscli; }
  # Assigned first so that a failed lookup stops the script (set -e ignores it inside printf's arguments).
  secret=$(aws ssm get-parameter --region "$REGION" --name "$SECRET_PARAMETER" --with-decryption --query Parameter.Value --output text)
  printf 'SE_REGISTRATION_SECRET=%s\\n' "$secret" >"$env_file"
  unset secret
fi

# 5. The node image: pulled unless the AMI has it (ECR needs a login with the instance profile).
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  case $IMAGE in
    *.dkr.ecr.*.amazonaws.com/*) aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "\${IMAGE%%/*}" ;;
  esac
  docker pull "$IMAGE"
fi

# 6. The node.
docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
docker run -d --name "$CONTAINER" --network host --shm-size 2g \\
  --label ${labels.managedBy}=grid-run --label "${labels.pool}=$POOL" --label "${labels.runId}=$RUN_ID" --label "${labels.nodePort}=$NODE_PORT" \\
  -e "SE_EVENT_BUS_HOST=$EVENT_BUS_HOST" -e "SE_EVENT_BUS_PUBLISH_PORT=$PUBLISH_PORT" -e "SE_EVENT_BUS_SUBSCRIBE_PORT=$SUBSCRIBE_PORT" \\
  -e "SE_NODE_HOST=$NODE_HOST" -e "SE_NODE_PORT=$NODE_PORT" -e "SE_NODE_MAX_SESSIONS=$SLOTS" -e SE_NODE_OVERRIDE_MAX_SESSIONS=true \\
  --env-file "$env_file" "$IMAGE" >/dev/null
rm -f "$env_file"
log "node $CONTAINER started for pool $POOL, advertising $NODE_HOST:$NODE_PORT"

# 7. A drained node stops its container; the instance goes with it instead of idling.
nohup sh -c 'docker wait "$1" >/dev/null 2>&1; shutdown -h now "grid-run: node left the grid"' _ "$CONTAINER" >/dev/null 2>&1 &
`;
}
