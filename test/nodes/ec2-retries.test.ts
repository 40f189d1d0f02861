// EC2 calls retried by the AWS SDK's own retry strategy, middleware and all: the client of
// createEc2Client talks to a local HTTP endpoint on 127.0.0.1 that answers as EC2 does
// (aws-sdk-client-mock replaces `send`, so it would bypass the retries).
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEc2Client, ec2MaxAttempts } from '../../src/nodes/ec2/client.ts';
import { Ec2NodeProvider } from '../../src/nodes/ec2/provider.ts';
import { hubEndpoint } from '../../src/nodes/provider.ts';
import { InfrastructureError, UsageError } from '../../src/errors.ts';
import { FakeWaitClock, FakeHub } from './fakes.ts';

type Answer = { status: number; body: string };
type Request = { action: string; form: URLSearchParams; headers: IncomingHttpHeaders };

const ec2Error = (status: number, code: string, message: string): Answer => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`,
});
const throttled = ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
const noInstances: Answer = {
  status: 200,
  body: '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-2</requestId><reservationSet/></DescribeInstancesResponse>',
};

describe('EC2 retries: the SDK retry strategy against a local endpoint', function () {
  this.timeout(60_000);
  let server: Server;
  let endpoint: string;
  let requests: Request[];
  /** Answers per action, in order; the last one repeats. */
  let answers: Record<string, Answer[]>;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const action = form.get('Action') ?? '';
        requests.push({ action, form, headers: req.headers });
        const queue = answers[action] ?? [ec2Error(400, 'InvalidAction', `no answer for ${action}`)];
        const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
        res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests = [];
    answers = {};
  });

  function provider(maxAttempts?: number): Ec2NodeProvider {
    const client = createEc2Client('eu-west-1', { endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, ...(maxAttempts ? { maxAttempts } : {}) });
    return new Ec2NodeProvider({
      pool: 'ci',
      runId: 'run-1',
      hub: hubEndpoint('http://10.0.0.5:4444'),
      hubClient: new FakeHub(),
      client,
      region: 'eu-west-1',
      image: 'grid-run-node:test',
      slots: 2,
      ami: 'ami-0123456789abcdef0',
      newToken: () => 'tok-1',
      clock: new FakeWaitClock(),
    });
  }

  const attemptHeaders = () => requests.map((r) => r.headers['amz-sdk-request']);

  it('retries a throttled call (RequestLimitExceeded, 503) until it is answered', async () => {
    answers.DescribeInstances = [throttled, throttled, noInstances];
    assert.deepEqual(await provider(3).list(), []);
    assert.deepEqual(attemptHeaders(), ['attempt=1; max=3', 'attempt=2; max=3', 'attempt=3; max=3']);
  });

  it(`retries a 5xx (InternalError, 500) with the default of ${ec2MaxAttempts} attempts`, async () => {
    answers.DescribeInstances = [ec2Error(500, 'InternalError', 'An internal error has occurred.'), ec2Error(500, 'InternalError', 'An internal error has occurred.'), noInstances];
    assert.deepEqual(await provider().list(), []);
    assert.deepEqual(attemptHeaders(), [1, 2, 3].map((n) => `attempt=${n}; max=${ec2MaxAttempts}`));
  });

  it('after the last throttled attempt: one clear error, every attempt with the same ClientToken, and the token checked for launches', async () => {
    answers.RunInstances = [throttled];
    answers.DescribeInstances = [noInstances];
    await assert.rejects(provider(3).provision(1), (err: Error) => {
      assert.ok(err instanceof InfrastructureError);
      assert.equal(err.message, 'ec2: launching instances: AWS kept throttling the requests (RequestLimitExceeded: Request limit exceeded., after 3 attempts); try again later');
      return true;
    });
    const launches = requests.filter((r) => r.action === 'RunInstances');
    assert.deepEqual(launches.map((r) => r.form.get('ClientToken')), ['tok-1-od', 'tok-1-od', 'tok-1-od']);
    const check = requests.filter((r) => r.action === 'DescribeInstances');
    assert.equal(check.length, 1);
    assert.equal(check[0]!.form.get('Filter.1.Name'), 'client-token');
  });

  it('does not retry an error that retrying cannot fix (UnauthorizedOperation, 403)', async () => {
    answers.DescribeInstances = [ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.')];
    await assert.rejects(provider().list(), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /^ec2: listing instances: the AWS identity may not do this \(UnauthorizedOperation: You are not authorized to perform this operation\.\); it needs ec2:RunInstances/);
      return true;
    });
    assert.equal(requests.length, 1);
  });
});
