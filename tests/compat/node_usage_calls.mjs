// posthog-node asks for two flags for many people, and its `$feature_flag_called` events (one per
// person, flag and answer, sent when the client shuts down) become the usage the app charts.
// The answers the SDK got are printed as one JSON line (USAGE_RESULT ...) for
// tst_usage_chart_compat, which compares the app's usage chart with them and with the server's
// own counts. The answers are also checked against PostHog's documented sha1 bucketing, so the
// counts the chart must show are known independently of the server.
import { createHash } from 'node:crypto'
import { check, createFlag, loggingFetch, requestsTo, requireSdk, run, server } from './harness.mjs'

const PEOPLE = 60
const LONG_SCALE = 0xfffffffffffffff

function hash(key, distinctId, salt = '') {
  const digest = createHash('sha1').update(`${key}.${distinctId}${salt}`).digest('hex')
  return parseInt(digest.slice(0, 15), 16) / LONG_SCALE
}

const variants = [
  { key: 'control', rollout_percentage: 50 },
  { key: 'test', rollout_percentage: 30 },
  { key: 'third', rollout_percentage: 20 },
]

function expectedVariant(key, distinctId) {
  const h = hash(key, distinctId, 'variant')
  let from = 0
  for (const v of variants) {
    const to = from + v.rollout_percentage / 100
    if (h >= from && h < to) return v.key
    from = to
  }
  return variants[variants.length - 1].key
}

const expectedGate = (key, distinctId) => hash(key, distinctId) <= 0.4

function tally(counts, value) {
  const label = String(value)
  counts[label] = (counts[label] ?? 0) + 1
}

await run(async () => {
  // No usage dashboards yet: the app creates them, as a person would.
  const split = await createFlag({
    key: 'usage-split',
    name: 'Usage: three variants',
    filters: { groups: [{ properties: [], rollout_percentage: 100 }], multivariate: { variants } },
    _should_create_usage_dashboard: false,
  })
  const gate = await createFlag({
    key: 'usage-gate',
    name: 'Usage: 40% rollout',
    filters: { groups: [{ properties: [], rollout_percentage: 40 }] },
    _should_create_usage_dashboard: false,
  })

  const { PostHog } = requireSdk('posthog-node')
  const log = loggingFetch()
  const client = new PostHog(server.token, { host: server.host, fetch: log.fetch, flushAt: 5000, flushInterval: 0, fetchRetryCount: 0 })
  const splitCounts = {}
  const gateCounts = {}
  const expectedSplit = {}
  const expectedGateCounts = {}
  for (let i = 0; i < PEOPLE; i++) {
    const id = `person-${i}`
    const variant = await client.getFeatureFlag('usage-split', id)
    const enabled = await client.getFeatureFlag('usage-gate', id)
    // Asking again with the same answer sends no second event.
    await client.getFeatureFlag('usage-split', id)
    tally(splitCounts, variant)
    tally(gateCounts, enabled)
    tally(expectedSplit, expectedVariant('usage-split', id))
    tally(expectedGateCounts, expectedGate('usage-gate', id))
  }
  await client.shutdown()

  const batches = requestsTo(log.log, '/batch')
  check('shutdown() sent the events to /batch/', batches.length > 0, true)
  check('every /batch/ call answered 200', batches.filter((r) => r.status !== 200).map((r) => `${r.url} -> ${r.status ?? r.error}`), [])
  check('usage-split: the answers follow PostHog bucketing', splitCounts, expectedSplit)
  check('usage-gate: the answers follow PostHog bucketing', gateCounts, expectedGateCounts)
  check('usage-split: more than one variant answered', Object.keys(splitCounts).length > 1, true)

  console.log(`USAGE_RESULT ${JSON.stringify({
    people: PEOPLE,
    flags: {
      'usage-split': { id: split.id, responses: splitCounts },
      'usage-gate': { id: gate.id, responses: gateCounts },
    },
  })}`)
})
