// posthog-js in a real browser: Debian's Chromium, headless, driven by puppeteer-core, opens a page
// served from another origin than bunting-server's, as a web developer's app would be. The page
// loads posthog-js from the npm package (dist/array.js) and points `api_host` at the server with
// PostHog's default settings otherwise, so every CORS rule a browser enforces (and jsdom does not)
// applies. Checked in the page: the flags and payloads PostHog's rules give the anonymous visitor,
// onFeatureFlags, `$feature_flag_called` reaching the server, identify + group +
// reloadFeatureFlags re-evaluating for the person, and a console without errors. A second page
// shows the management API refusing a page it was not told to allow, and answering one it was.
//
//   node browser_page.mjs <chromium> <page port>
// The server was started with --allow-origin http://localhost:<page port>; the pages are served
// on 127.0.0.1:<page port> too, which is another origin, and not allowed.
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { api, check, fail, getFlag, requireSdk, run, server, sleep, waitFor } from './harness.mjs'
import { createFixtures, expected, expectedAll, people } from './fixtures.mjs'

const [chromium, pagePort] = process.argv.slice(2)
const refusedOrigin = `http://127.0.0.1:${pagePort}`
const allowedOrigin = `http://localhost:${pagePort}`
const arrayJs = path.join(process.env.BUNTING_COMPAT_NODE_MODULES, 'posthog-js', 'dist', 'array.js')

// The shop page: posthog-js as its docs load it, with its defaults, and a record of every
// onFeatureFlags call for the test to read.
const shopPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title>
<script src="/posthog/array.js"></script>
<script>
  window.flagUpdates = []
  // ?no-scripts: a site whose content security policy lets posthog-js load no scripts of its
  // own; it reads the remote config as JSON instead of config.js.
  var noScripts = location.search.indexOf('no-scripts') >= 0
  posthog.init(${JSON.stringify(server.token)}, { api_host: ${JSON.stringify(server.host)}, person_profiles: 'identified_only',
                                                 disable_external_dependency_loading: noScripts })
  posthog.onFeatureFlags(function (flags, variants, context) {
    window.flagUpdates.push({ distinctId: posthog.get_distinct_id(), flags: flags, variants: variants,
                              errorsLoading: Boolean(context && context.errorsLoading) })
    // What the visitor would see of the flags: each enabled one with its variant.
    var list = document.getElementById('flags')
    if (!list) return
    list.textContent = ''
    document.getElementById('who').textContent = posthog.get_distinct_id()
    flags.forEach(function (key) {
      var item = document.createElement('li')
      item.textContent = key + ': ' + JSON.stringify(posthog.getFeatureFlag(key, { send_event: false }))
      list.appendChild(item)
    })
  })
</script></head>
<body style="font-family: sans-serif"><h1>Shop</h1><p>Flags for <b id="who"></b>:</p><ul id="flags"></ul></body></html>`

function servePages() {
  const pages = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://page')
    if (url.pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      response.end(shopPage)
    } else if (url.pathname === '/posthog/array.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' })
      response.end(await readFile(arrayJs))
    } else if (url.pathname === '/blank') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>blank</title>')
    } else {
      // The browser asks for /favicon.ico; a 404 would be a console error of the page's own.
      response.writeHead(204)
      response.end()
    }
  })
  return new Promise((resolve, reject) => {
    pages.once('error', reject)
    pages.listen(Number(pagePort), '127.0.0.1', () => resolve(pages))
  })
}

// What a page sees of the server: console messages, failed requests, and the server's answers.
function watch(page) {
  const seen = { console: [], failed: [], answers: [] }
  page.on('console', (message) => seen.console.push({ type: message.type(), text: message.text() }))
  page.on('pageerror', (error) => seen.console.push({ type: 'pageerror', text: String(error) }))
  page.on('requestfailed', (request) =>
    seen.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
  page.on('response', (response) => {
    if (response.url().startsWith(server.host))
      seen.answers.push({ method: response.request().method(), path: new URL(response.url()).pathname, status: response.status() })
  })
  return seen
}

// The flags posthog-js holds in the page, read the way an app reads them.
async function flagsInPage(page, keys) {
  return page.evaluate((keys) => {
    const out = {}
    for (const key of keys) {
      out[key] = { value: posthog.getFeatureFlag(key) ?? false }
      const payload = posthog.getFeatureFlagPayload(key)
      if (payload !== undefined && payload !== null) out[key].payload = payload
    }
    return out
  }, keys)
}

function expectedInPage(keys, person) {
  const out = {}
  for (const key of keys.filter((k) => k !== 'inactive')) {
    const { value, payload } = expected(key, person)
    out[key] = payload === undefined ? { value } : { value, payload }
  }
  return out
}

async function lastUpdateFor(page, distinctId) {
  await page.waitForFunction((id) => window.flagUpdates.some((u) => u.distinctId === id), { timeout: 10000 }, distinctId)
  // identify and group each ask for a reload; the last answer is the one that counts.
  await sleep(1500)
  return page.evaluate((id) => window.flagUpdates.filter((u) => u.distinctId === id).at(-1), distinctId)
}

async function shopScenario(browser, keys, ids) {
  const page = await browser.newPage()
  // A visitor's browser, not a headless one: posthog-js drops the events of browsers that look
  // like bots (a HeadlessChrome user agent, navigator.webdriver).
  await page.setUserAgent((await browser.userAgent()).replace('HeadlessChrome', 'Chrome'))
  const seen = watch(page)
  await page.goto(`${refusedOrigin}/`, { waitUntil: 'load' })

  const anonymousId = await page.waitForFunction(() => window.flagUpdates.length > 0 && posthog.get_distinct_id(), { timeout: 10000 })
    .then((handle) => handle.jsonValue())
    .catch(() => undefined)
  if (!anonymousId) {
    fail('onFeatureFlags fired in the page within 10 s', `console: ${JSON.stringify(seen.console)}\nfailed: ${JSON.stringify(seen.failed)}\nanswers: ${JSON.stringify(seen.answers)}`)
    await page.close()
    return
  }
  const visitor = { id: anonymousId, person: { email: '' } }
  const first = await lastUpdateFor(page, anonymousId)
  check('the anonymous visitor: onFeatureFlags without loading errors', first.errorsLoading, false)
  check('the anonymous visitor: onFeatureFlags names the enabled flags', [...first.flags].sort(),
    Object.entries(expectedAll(keys, visitor).featureFlags).filter(([, v]) => v !== false).map(([k]) => k).sort())
  check('the anonymous visitor: every flag and payload as PostHog decides them',
    await flagsInPage(page, keys.filter((k) => k !== 'inactive')), expectedInPage(keys, visitor))
  check('the inactive flag is off in the page', await page.evaluate(() => Boolean(posthog.isFeatureEnabled('inactive'))), false)

  // Reading the flags above queued `$feature_flag_called`; posthog-js sends its queue within seconds.
  const called = await waitFor(async () => (await getFlag(ids.checkout)).last_called_at, 10000)
  check('a $feature_flag_called event from the page reached the server (checkout has a last_called_at)', typeof called, 'string')

  const alice = people.find((p) => p.id === 'alice')
  await page.evaluate((alice) => {
    posthog.identify(alice.id, alice.person)
    posthog.group('company', alice.company.key, { tier: alice.company.tier })
    posthog.reloadFeatureFlags()
  }, alice)
  const identified = await lastUpdateFor(page, alice.id).catch(() => undefined)
  if (!identified) {
    fail('onFeatureFlags fired for alice after identify', `answers: ${JSON.stringify(seen.answers.slice(-10))}`)
  } else {
    check('alice after identify: onFeatureFlags without loading errors', identified.errorsLoading, false)
    check('alice after identify, group and reloadFeatureFlags: every flag and payload',
      await flagsInPage(page, keys.filter((k) => k !== 'inactive')), expectedInPage(keys, alice))
  }

  // A page that uses surveys and early access features asks for them; the server has none.
  const products = await page.evaluate(() => new Promise((resolve) => {
    const out = {}
    posthog.getSurveys((surveys) => {
      out.surveys = surveys
      posthog.getEarlyAccessFeatures((features) => {
        out.features = features
        resolve(out)
      }, true)
    }, true)
    setTimeout(() => resolve(out), 5000)
  }))
  check('getSurveys in the page: none', products.surveys, [])
  check('getEarlyAccessFeatures in the page: none', products.features, [])

  // Whatever else posthog-js sent on its own (the pageview, $identify, $groupidentify) is flushed.
  await sleep(3500)
  if (process.env.BUNTING_SCREENSHOTS) {
    await page.setViewport({ width: 640, height: 360 })
    await page.screenshot({ path: path.join(process.env.BUNTING_SCREENSHOTS, 'browser_shop_page.png') })
  }
  const paths = seen.answers.map((a) => `${a.method} ${a.path}`)
  check('posthog-js loaded the remote config from the server', paths.some((p) => p.startsWith(`GET /array/${server.token}/config`)), true)
  check('posthog-js asked the server for flags', paths.some((p) => p.startsWith('POST /flags')), true)
  check('posthog-js sent events to the server', paths.some((p) => /^POST \/(e|i\/v0\/e|batch)\/?$/.test(p)), true)
  check('every answer the page got from the server was a success', seen.answers.filter((a) => a.status >= 400), [])
  check('no request of the page failed (CORS or network)', seen.failed, [])
  check('the console has no errors or warnings', seen.console.filter((m) => ['error', 'warn', 'warning', 'pageerror'].includes(m.type)), [])
  await page.close()
}

// posthog-js told to load no scripts of its own reads the remote config as JSON.
async function noScriptsScenario(browser, keys) {
  // A fresh profile: the shop page left alice identified in this origin's storage.
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  await page.setUserAgent((await browser.userAgent()).replace('HeadlessChrome', 'Chrome'))
  const seen = watch(page)
  await page.goto(`${refusedOrigin}/?no-scripts`, { waitUntil: 'load' })
  const visitorId = await page.waitForFunction(() => window.flagUpdates.length > 0 && posthog.get_distinct_id(), { timeout: 10000 })
    .then((handle) => handle.jsonValue())
    .catch(() => undefined)
  if (!visitorId) {
    fail('no-scripts page: onFeatureFlags fired within 10 s', `answers: ${JSON.stringify(seen.answers)}`)
  } else {
    check('no-scripts page: every flag and payload as PostHog decides them',
      await flagsInPage(page, keys.filter((k) => k !== 'inactive')), expectedInPage(keys, { id: visitorId, person: { email: '' } }))
  }
  const paths = seen.answers.map((a) => `${a.method} ${a.path}`)
  check('no-scripts page: the remote config came as JSON, config.js was not loaded',
    [paths.includes(`GET /array/${server.token}/config`), paths.includes(`GET /array/${server.token}/config.js`)], [true, false])
  check('no-scripts page: no failed request, no error or warning on the console',
    [seen.failed, seen.console.filter((m) => ['error', 'warn', 'warning', 'pageerror'].includes(m.type))], [[], []])
  await context.close()
}

// The management API from a page: refused from an origin the server was not told about (reading
// is blocked, a write that needs no preflight changes nothing), answered for the allowed one.
async function managementScenario(browser) {
  const call = async (origin, keyToPlant) => {
    const page = await browser.newPage()
    const seen = watch(page)
    await page.goto(`${origin}/blank`, { waitUntil: 'load' })
    const result = await page.evaluate(async ({ host, key, plant }) => {
      const out = {}
      try {
        const r = await fetch(`${host}/api/projects/@current/feature_flags/`, { headers: { Authorization: `Bearer ${key}` } })
        out.read = r.status
        out.count = (await r.json()).count
      } catch (error) {
        out.read = 'blocked'
      }
      // A form-like write: text/plain and the key in the query need no preflight.
      const body = JSON.stringify({ key: plant, filters: { groups: [{ properties: [], rollout_percentage: 100 }] } })
      try {
        const r = await fetch(`${host}/api/projects/@current/feature_flags/?personal_api_key=${key}`,
          { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body })
        out.write = r.type
      } catch (error) {
        out.write = 'blocked'
      }
      return out
    }, { host: server.host, key: server.ownerKey, plant: keyToPlant })
    await page.close()
    return { result, seen }
  }

  const refused = await call(refusedOrigin, 'planted-by-a-page')
  check('management API from a page not allowed: the read is blocked by the browser', refused.result.read, 'blocked')
  check('management API from a page not allowed: the server answered 403',
    refused.seen.answers.filter((a) => a.path.startsWith('/api/')).map((a) => a.status).every((s) => s === 403), true)
  check('the browser says why (CORS) in the console',
    refused.seen.console.some((m) => m.text.includes('CORS policy')), true)
  const planted = await api('GET', '/api/projects/@current/feature_flags/?search=planted-by-a-page')
  check('a write from a page not allowed created nothing', planted.count, 0)

  const allowed = await call(allowedOrigin, 'written-by-the-allowed-page')
  check('management API from the page allowed with --allow-origin: the read is answered', allowed.result.read, 200)
  check('the allowed page sees the flags', typeof allowed.result.count, 'number')
  const written = await api('GET', '/api/projects/@current/feature_flags/?search=written-by-the-allowed-page')
  check('the allowed page could write', written.count, 1)
}

await run(async () => {
  const { keys, ids } = await createFixtures()
  const pages = await servePages()
  const puppeteer = requireSdk('puppeteer-core')
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    // As root (CI, containers) Chromium runs only without its sandbox; /dev/shm may be small there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
      '--disable-blink-features=AutomationControlled'],
    // Without it navigator.webdriver is true, and posthog-js takes the page for a bot.
    ignoreDefaultArgs: ['--enable-automation'],
  })
  try {
    await shopScenario(browser, keys, ids)
    await noScriptsScenario(browser, keys)
    await managementScenario(browser)
  } finally {
    await browser.close()
    pages.close()
  }
})
