// posthog-node's `$feature_flag_called` events: sent to /batch/ when the client shuts down, they
// must move the server's record of the flag's use: its last_called_at and the call counts its
// usage dashboard shows, per response.
import { api, check, getFlag, loggingFetch, requestsTo, requireSdk, run, server, waitFor } from './harness.mjs'
import { createFixtures, optionsFor, people } from './fixtures.mjs'

const person = (id) => people.find((p) => p.id === id)

// The "Feature Flag Called Total Volume" tile of the flag's usage dashboard, as calls per
// `$feature_flag_response`.
async function callsByResponse(flagId) {
  await api('POST', `/api/projects/@current/feature_flags/${flagId}/dashboard`, {})
  const flag = await getFlag(flagId)
  const dashboard = await api('GET', `/api/projects/@current/dashboards/${flag.usage_dashboard}/`)
  const tile = dashboard.tiles.find((t) => t.insight?.name === 'Feature Flag Called Total Volume')
  if (!tile) throw new Error(`usage dashboard ${flag.usage_dashboard} has no call volume tile`)
  const counts = {}
  for (const series of tile.insight.result ?? []) {
    const total = series.count ?? series.data.reduce((a, b) => a + b, 0)
    if (total) counts[String(series.breakdown_value)] = total
  }
  return counts
}

await run(async () => {
  const { ids } = await createFixtures()
  const { PostHog } = requireSdk('posthog-node')
  const started = Date.now()

  check('no call recorded before the SDK asks', (await getFlag(ids.checkout)).last_called_at, null)

  const log = loggingFetch()
  const client = new PostHog(server.token, { host: server.host, fetch: log.fetch, flushAt: 1000, flushInterval: 0, fetchRetryCount: 0 })
  const alice = person('alice')
  check('remote: getFeatureFlag(checkout, alice)', await client.getFeatureFlag('checkout', 'alice', optionsFor(alice)), 'test')
  // The same answer for the same person is reported once.
  await client.getFeatureFlag('checkout', 'alice', optionsFor(alice))
  for (const id of ['alice', 'bob', 'carol'])
    check(`remote: isFeatureEnabled(always-on, ${id})`, await client.isFeatureEnabled('always-on', id, optionsFor(person(id))), true)
  check('remote: getFeatureFlag(pro-only, bob)', await client.getFeatureFlag('pro-only', 'bob', optionsFor(person('bob'))), false)
  await client.shutdown()

  const batches = requestsTo(log.log, '/batch')
  check('shutdown() sent the events to /batch/', batches.length > 0, true)
  check('every /batch/ call answered 200', batches.filter((r) => r.status !== 200).map((r) => `${r.method} ${r.url} -> ${r.status ?? r.error}`), [])

  const called = await waitFor(async () => (await getFlag(ids.checkout)).last_called_at)
  check('checkout has a last_called_at after the events', typeof called, 'string')
  if (called) {
    const at = Date.parse(called)
    check(`checkout's last_called_at (${called}) is the time of the call`, at >= started - 60000 && at <= Date.now() + 60000, true)
  }
  check('a flag nobody asked about has no last call', (await getFlag(ids['example-half'])).last_called_at, null)
  check('status of a called flag', (await api('GET', `/api/projects/@current/feature_flags/${ids.checkout}/status`)).status, 'active')

  check('usage: checkout calls per response', await callsByResponse(ids.checkout), { test: 1 })
  check('usage: always-on calls per response', await callsByResponse(ids['always-on']), { true: 3 })
  check('usage: pro-only calls per response', await callsByResponse(ids['pro-only']), { false: 1 })
})
