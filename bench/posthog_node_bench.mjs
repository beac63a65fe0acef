// posthog-node's local evaluator on the flags of bench_engine.cpp, for comparison with the engine.
// Uses the SDK that the differential test installs: after `make test`, run
//   node bench/posthog_node_bench.mjs [build/tests/core/differential/node_modules]
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const modules = path.resolve(process.argv[2] ?? 'build/tests/core/differential/node_modules')
const { PostHog } = await import(
  pathToFileURL(path.join(modules, 'posthog-node/dist/entrypoints/index.node.mjs')).href
)
const flags = [
  { id: 1, key: 'full', active: true, filters: { groups: [{ properties: [], rollout_percentage: 100 }] } },
  { id: 2, key: 'two-conditions', active: true, filters: { groups: [
    { properties: [{ key: 'email', value: '@posthog.com', operator: 'icontains', type: 'person' },
                   { key: 'plan', value: ['pro', 'enterprise'], operator: 'exact', type: 'person' }], rollout_percentage: 100 },
    { properties: [{ key: 'email', value: '^[a-z]+@example\\.(com|org)$', operator: 'regex', type: 'person' }], rollout_percentage: 50 }] } },
]
const fetch = async (url) => ({ status: 200, json: async () => ({ flags, group_type_mapping: {}, cohorts: {} }), text: async () => '', headers: new Map() })
const client = new PostHog('phc_x', { personalApiKey: 'phx_x', host: 'http://127.0.0.1:1', fetch, featureFlagsPollingInterval: 1e9 })
await client.reloadFeatureFlags()
for (const key of ['full', 'two-conditions']) {
  const n = 20000
  for (let i = 0; i < 2000; i++) await client.getFeatureFlag(key, `user-${i}`, { personProperties: { email: `user${i}@example.com`, plan: 'free' }, onlyEvaluateLocally: true, sendFeatureFlagEvents: false })
  const t = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await client.getFeatureFlag(key, `user-${i}`, { personProperties: { email: `user${i}@example.com`, plan: 'free' }, onlyEvaluateLocally: true, sendFeatureFlagEvents: false })
  console.log(key, Number(process.hrtime.bigint() - t) / n / 1000, 'us per call')
}
await client.shutdown()
