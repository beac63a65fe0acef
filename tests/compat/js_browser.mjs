// posthog-js, the browser SDK, in a jsdom page: it fetches the project's remote config
// (/array/<token>/config) and its flags (/flags/?v=2, base64 form body), fires onFeatureFlags,
// answers getFeatureFlag / isFeatureEnabled / getFeatureFlagPayload from what it loaded, and
// reports `$feature_flag_called` to /e/, which must reach the flag's last_called_at.
import { check, fail, getFlag, loggingFetch, requireSdk, run, server, waitFor } from './harness.mjs'
import { createFixtures, expected, expectedAll, people } from './fixtures.mjs'

await run(async () => {
  const { keys, ids } = await createFixtures()
  const alice = people.find((p) => p.id === 'alice')

  const { JSDOM } = requireSdk('jsdom')
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url: 'http://localhost/' })
  // posthog-js reads the browser globals once, when it loads, so the page comes first.
  for (const name of ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage'])
    Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true })

  // Node's fetch is the browser's here (jsdom has none), wrapped to see what the SDK asks.
  const logged = loggingFetch()
  const log = logged.log
  dom.window.fetch = globalThis.fetch = logged.fetch

  const posthog = requireSdk('posthog-js').default
  const flagsLoaded = new Promise((resolve) => {
    posthog.onFeatureFlags((flags, variants, context) => resolve({ flags, variants, context }))
  })
  posthog.init(server.token, {
    api_host: server.host,
    // Scripts from the server (config.js, extensions) are a browser's business; the JSON config
    // is what this test checks.
    disable_external_dependency_loading: true,
    capture_pageview: false,
    autocapture: false,
    disable_session_recording: true,
    disable_surveys: true,
    bootstrap: { distinctID: alice.id, isIdentifiedID: true },
    person_profiles: 'identified_only',
  })
  posthog.setPersonPropertiesForFlags(alice.person, false)
  posthog.group('company', alice.company.key, { tier: alice.company.tier })

  const loaded = await Promise.race([flagsLoaded, new Promise((resolve) => setTimeout(() => resolve(undefined), 5000))])
  const configCalls = log.filter((r) => r.path === `/array/${server.token}/config`)
  check('posthog-js fetched /array/<token>/config with 200', configCalls.map((r) => r.status), configCalls.length ? configCalls.map(() => 200) : [200])
  const flagsCalls = log.filter((r) => r.path.startsWith('/flags'))
  check('posthog-js called /flags/?v=2 and got 200', flagsCalls.length > 0 && flagsCalls.every((r) => r.status === 200 && r.url.includes('v=2')), true)
  if (!loaded) {
    fail('onFeatureFlags fired within 5 s', `requests: ${JSON.stringify(log)}`)
    return
  }
  check('onFeatureFlags reports no loading errors', loaded.context?.errorsLoading, false)

  const want = expectedAll(keys, alice)
  check('onFeatureFlags: the enabled flags', [...loaded.flags].sort(),
    Object.entries(want.featureFlags).filter(([, v]) => v !== false).map(([k]) => k).sort())
  for (const key of keys.filter((k) => k !== 'inactive')) {
    const { value, payload } = expected(key, alice)
    check(`posthog-js: getFeatureFlag(${key})`, posthog.getFeatureFlag(key), value)
    check(`posthog-js: isFeatureEnabled(${key})`, posthog.isFeatureEnabled(key), value !== false)
    // PostHog's /flags sends `payload: null` for a flag without one; posthog-js hands it back.
    check(`posthog-js: getFeatureFlagPayload(${key})`, posthog.getFeatureFlagPayload(key) ?? undefined, payload)
  }
  check('posthog-js: inactive flag is off', Boolean(posthog.isFeatureEnabled('inactive')), false)

  // getFeatureFlag above queued `$feature_flag_called`; the SDK's queue sends it within seconds.
  const called = await waitFor(async () => (await getFlag(ids.checkout)).last_called_at, 8000)
  const eventCalls = log.filter((r) => ['/e/', '/batch/', '/i/v0/e/', '/capture/'].includes(r.path))
  check('posthog-js sent events, answered 200', eventCalls.length > 0 && eventCalls.every((r) => r.status === 200), true)
  check('checkout has a last_called_at after posthog-js reported the call', typeof called, 'string')
  if (!called) console.log(`requests: ${JSON.stringify(log)}`)
})
