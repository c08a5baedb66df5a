// The OpenAPI description of the HTTP/JSON API, as an integrator uses it:
// fetched from a real server without credentials, validated by an
// independent validator (@apidevtools/swagger-parser), turned into a typed
// client (openapi-typescript + openapi-fetch) that the TypeScript compiler
// checks, and run: examples/openapi/ticket_client.ts creates a ticket,
// lists, signs for and replies to it, and reads a refusal's reason from the
// error body. The same for Python with classes quicktype generates
// (examples/openapi/ticket_client.py). No browser: the node project of the
// browser tests has the tools.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {copyFile, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import {startServer} from './harness.mjs';

const execFileP = promisify(execFile);
const here = path.dirname(new URL(import.meta.url).pathname);
const examples = path.resolve(here, '../../examples/openapi');
const bin = (name) => path.join(here, 'node_modules', '.bin', name);

// Runs a program; resolves with {code, out} (stdout and stderr), never
// rejects on a non-zero exit.
async function run(file, args, options = {}) {
  try {
    const {stdout, stderr} = await execFileP(file, args, {maxBuffer: 1 << 26, ...options});
    return {code: 0, out: stdout + stderr};
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return {code: error.code, out: (error.stdout || '') + (error.stderr || '')};
  }
}

function tsc(dir, file) {
  return run(process.execPath, [path.join(here, 'node_modules/typescript/bin/tsc'), '--strict',
    '--module', 'nodenext', '--target', 'es2022', '--types', 'node', file], {cwd: dir});
}

test('the OpenAPI description is served, valid, and a client generated from it works', {timeout: 300000}, async () => {
  const server = await startServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-openapi-'));
  try {
    // Served to anyone: no credentials.
    const res = await fetch(`${server.base}/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^application\/json/);
    const text = await res.text();
    const doc = JSON.parse(text);
    assert.equal(doc.openapi, '3.1.0');
    const refused = await fetch(`${server.base}/v1/openapi.json`, {method: 'POST'});
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get('allow'), 'GET, HEAD');
    assert.equal((await refused.json()).details[0].reason, 'HTTP_METHOD_NOT_ALLOWED');

    // An independent validator accepts it, and is not a rubber stamp: the
    // same document with a schema taken out is refused.
    const valid = await SwaggerParser.validate(structuredClone(doc));
    assert.equal(valid.info.title, 'hotline API');
    const broken = structuredClone(doc);
    delete broken.components.schemas['hotline.v1.Ticket'];
    await assert.rejects(SwaggerParser.validate(broken), /hotline\.v1\.Ticket/);

    // One operation per route, named after its method, none twice.
    const ids = [];
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item)) ids.push(operation.operationId);
    }
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    for (const id of ['CreateTicket', 'ListTickets', 'AcknowledgeTicket', 'ReplyTicket', 'WatchEvents',
      'UploadAttachment', 'DownloadAttachment']) {
      assert.ok(ids.includes(id), `${id} is described`);
    }

    // TypeScript: types from the served document, the example checked
    // against them by the compiler.
    const openapiFile = path.join(dir, 'openapi.json');
    await writeFile(openapiFile, text);
    await symlink(path.join(here, 'node_modules'), path.join(dir, 'node_modules'));
    await writeFile(path.join(dir, 'package.json'), '{"type": "module"}\n');
    const generated = await run(bin('openapi-typescript'), [`${server.base}/v1/openapi.json`, '-o', 'hotline-api.d.ts'], {cwd: dir});
    assert.equal(generated.code, 0, generated.out);
    await copyFile(path.join(examples, 'ticket_client.ts'), path.join(dir, 'ticket_client.ts'));
    const compiled = await tsc(dir, 'ticket_client.ts');
    assert.equal(compiled.code, 0, compiled.out);

    // The compiler holds a call to the document: a reply without its text,
    // an outcome that is not one, a path that is not there.
    await writeFile(path.join(dir, 'wrong.ts'), [
      'import createClient from "openapi-fetch";',
      'import type { paths } from "./hotline-api.js";',
      'const client = createClient<paths>({ baseUrl: "http://127.0.0.1:1" });',
      'const path = { ticket: "1" };',
      'await client.POST("/v1/tickets/{ticket}:reply", { params: { path }, body: { outcome: "RESOLVED" } });',
      'await client.POST("/v1/tickets/{ticket}:reply", { params: { path }, body: { replyText: "x", outcome: "SOLVED" } });',
      'await client.GET("/v1/ticket", {});',
      'export {};',
      '',
    ].join('\n'));
    const wrong = await tsc(dir, 'wrong.ts');
    assert.notEqual(wrong.code, 0, 'wrong.ts must not compile');
    assert.match(wrong.out, /wrong\.ts\(5,.*replyText/);
    assert.match(wrong.out, /wrong\.ts\(6,.*SOLVED/);
    assert.match(wrong.out, /wrong\.ts\(7,.*\/v1\/ticket/);

    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const env = {
      ...process.env,
      HOTLINE_URL: server.base,
      HOTLINE_TOKEN: server.token,
      HOTLINE_DEPARTMENT: 'departments/housing',
      HOTLINE_DEPARTMENT_TOKEN: housingToken,
    };
    const ts = await run(process.execPath, ['ticket_client.js'], {cwd: dir, env});
    assert.equal(ts.code, 0, ts.out);
    const tsName = ts.out.match(/^created (tickets\/\d+): DISPATCHED$/m)?.[1];
    assert.ok(tsName, ts.out);
    for (const line of [`listed ${tsName}: yes`, `signed for ${tsName}: IN_PROGRESS`,
      `replied to ${tsName}: REPLIED`, 'refused: HTTP 400 TICKET_STATE']) {
      assert.ok(ts.out.split('\n').includes(line), `"${line}" in:\n${ts.out}`);
    }
    const stored = await api.get(`/v1/${tsName}`);
    assert.equal(stored.state, 'REPLIED');
    assert.equal(stored.replyText, '已责令工地夜间停工。');

    // Python: classes quicktype writes from the same document.
    const models = await run(bin('quicktype'), ['-s', 'schema', '--lang', 'python', '--python-version', '3.7',
      '-o', 'hotline_models.py',
      'openapi.json#/components/schemas/hotline.v1.Ticket',
      'openapi.json#/components/schemas/hotline.v1.ListTicketsResponse',
      'openapi.json#/components/schemas/google.rpc.Status'], {cwd: dir});
    assert.equal(models.code, 0, models.out);
    await copyFile(path.join(examples, 'ticket_client.py'), path.join(dir, 'ticket_client.py'));
    const py = await run('/usr/bin/python3', ['ticket_client.py'], {cwd: dir, env});
    assert.equal(py.code, 0, `${py.out}\n(python3-dateutil is installed by scripts/install-deps.sh --browser)`);
    const pyName = py.out.match(/^created (tickets\/\d+): DISPATCHED$/m)?.[1];
    assert.ok(pyName && pyName !== tsName, py.out);
    for (const line of [`listed ${pyName}: yes`, `signed for ${pyName}: IN_PROGRESS`,
      `replied to ${pyName}: REPLIED`, 'refused: HTTP 400 TICKET_STATE']) {
      assert.ok(py.out.split('\n').includes(line), `"${line}" in:\n${py.out}`);
    }

    // Two clients, two tickets: nothing made twice.
    const all = await api.get('/v1/tickets');
    assert.deepEqual(all.tickets.map((t) => t.name).sort(), [tsName, pyName].sort());
  } finally {
    await server.stop();
    await rm(dir, {recursive: true, force: true});
  }
});
