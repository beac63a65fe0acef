// What every compatibility scenario shares: the server it was given (tst_sdk_compat starts a
// fresh bunting-server per scenario and passes it in the environment), the npm packages in the
// build tree, REST calls as the project's owner, a request log for the SDKs' fetch, and checks
// that record every failing SDK behaviour rather than stopping at the first.
import { createRequire } from 'node:module'
import path from 'node:path'
import { isDeepStrictEqual, inspect } from 'node:util'

function required(name) {
  const value = process.env[name]
  if (!value) {
    console.error(`${name} is not set; run this through tst_sdk_compat`)
    process.exit(2)
  }
  return value
}

export const server = {
  host: required('BUNTING_COMPAT_HOST'),
  token: required('BUNTING_COMPAT_TOKEN'),
  ownerKey: required('BUNTING_COMPAT_OWNER_KEY'),
}

// ESM resolves bare imports next to this file, and the packages live in the build tree.
export const requireSdk = createRequire(
  path.join(path.resolve(required('BUNTING_COMPAT_NODE_MODULES')), 'compat_resolver.cjs'),
)

// Taken before any scenario wraps the global fetch for an SDK, so the harness's own REST calls
// never show up in an SDK's request log.
const realFetch = globalThis.fetch
const verbose = Boolean(process.env.BUNTING_COMPAT_VERBOSE)
const failures = []
let passed = 0

export function check(what, actual, expected) {
  if (isDeepStrictEqual(actual, expected)) {
    passed++
    if (verbose) console.log(`ok   ${what}`)
  } else {
    failures.push(what)
    console.log(`FAIL ${what}\n       expected ${inspect(expected, { depth: 6 })}\n       actual   ${inspect(actual, { depth: 6 })}`)
  }
}

export function fail(what, detail) {
  failures.push(what)
  console.log(`FAIL ${what}\n       ${detail}`)
}

// Exits 0 only when every check passed; the driver prints this output on failure.
export function finish() {
  console.log(`\n${passed} passed, ${failures.length} failed`)
  process.exit(failures.length === 0 ? 0 : 1)
}

// Runs a scenario, turning an exception (a server that answers nonsense, an SDK that throws)
// into a failure with the rest of the report intact.
export async function run(scenario) {
  try {
    await scenario()
  } catch (error) {
    fail('scenario finished without throwing', error?.stack ?? String(error))
  }
  finish()
}

export async function api(method, apiPath, body) {
  const response = await realFetch(server.host + apiPath, {
    method,
    headers: { Authorization: `Bearer ${server.ownerKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`)
  return json
}

export function createFlag(flag) {
  return api('POST', '/api/projects/@current/feature_flags/', flag)
}

export function getFlag(id) {
  return api('GET', `/api/projects/@current/feature_flags/${id}/`)
}

// A fetch for the SDKs' `fetch` option: the real fetch, with every request and answer logged.
export function loggingFetch() {
  const log = []
  const wrapped = async (url, options) => {
    const entry = { method: options?.method ?? 'GET', url: String(url), path: new URL(url).pathname }
    log.push(entry)
    try {
      const response = await realFetch(url, options)
      entry.status = response.status
      return response
    } catch (error) {
      entry.error = String(error)
      throw error
    }
  }
  return { fetch: wrapped, log }
}

export function requestsTo(log, prefix) {
  return log.filter((entry) => entry.path.startsWith(prefix))
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Events are applied off the request path; poll until `probe` returns something, or give up.
export async function waitFor(probe, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value || Date.now() > deadline) return value
    await sleep(100)
  }
}
