// posthog-node asking the server about flags: `remote` evaluates through /flags, `local` loads
// the definitions with the owner's personal API key and must give the same answers as remote
// mode without a single /flags (or /decide) call.
import { check, fail, requestsTo, loggingFetch, requireSdk, run, server } from './harness.mjs'
import { createFixtures, expected, expectedAll, optionsFor, people } from './fixtures.mjs'

const mode = process.argv[2]
if (mode !== 'remote' && mode !== 'local') {
  console.error('usage: node_flags.mjs remote|local')
  process.exit(2)
}

// Every answer the SDK gives `p`, keyed for comparison across modes.
async function ask(client, keys, p) {
  const options = optionsFor(p)
  const answers = {}
  for (const key of keys) {
    answers[`getFeatureFlag ${key}`] = await client.getFeatureFlag(key, p.id, options)
    answers[`isFeatureEnabled ${key}`] = await client.isFeatureEnabled(key, p.id, options)
    // PostHog's /flags sends `payload: null` for a flag without one, which posthog-node hands
    // back as null (and as an undefined entry in getAllFlagsAndPayloads) where local evaluation
    // has no entry at all: all of them mean "no payload".
    answers[`getFeatureFlagPayload ${key}`] = (await client.getFeatureFlagPayload(key, p.id, undefined, options)) ?? undefined
  }
  const all = await client.getAllFlags(p.id, options)
  const allWithPayloads = await client.getAllFlagsAndPayloads(p.id, options)
  // PostHog leaves inactive flags out of /flags, while local evaluation reports them as false:
  // both are "off", checked on their own below.
  answers.inactiveInAll = all.inactive
  delete all.inactive
  delete allWithPayloads.featureFlags?.inactive
  for (const [key, payload] of Object.entries(allWithPayloads.featureFlagPayloads ?? {}))
    if (payload === undefined || payload === null) delete allWithPayloads.featureFlagPayloads[key]
  answers.getAllFlags = all
  answers.getAllFlagsAndPayloads = allWithPayloads
  return answers
}

function checkAgainstRules(answers, keys, p, label) {
  for (const key of keys) {
    const want = expected(key, p)
    // A flag /flags does not return is undefined to posthog-node; an inactive flag is off either way.
    const value = answers[`getFeatureFlag ${key}`]
    if (key === 'inactive') {
      check(`${label}: getFeatureFlag(inactive, ${p.id}) is off`, value === false || value === undefined, true)
    } else {
      check(`${label}: getFeatureFlag(${key}, ${p.id})`, value, want.value)
    }
    check(`${label}: isFeatureEnabled(${key}, ${p.id})`, Boolean(answers[`isFeatureEnabled ${key}`]), want.value !== false)
    check(`${label}: getFeatureFlagPayload(${key}, ${p.id})`, answers[`getFeatureFlagPayload ${key}`], want.payload)
  }
  const all = expectedAll(keys, p)
  check(`${label}: getAllFlags(${p.id})`, answers.getAllFlags, all.featureFlags)
  check(`${label}: getAllFlagsAndPayloads(${p.id})`, answers.getAllFlagsAndPayloads, all)
  check(`${label}: getAllFlags(${p.id}) has inactive off or absent`,
    answers.inactiveInAll === false || answers.inactiveInAll === undefined, true)
}

await run(async () => {
  const { keys } = await createFixtures()
  const { PostHog } = requireSdk('posthog-node')

  const remoteLog = loggingFetch()
  const remote = new PostHog(server.token, { host: server.host, fetch: remoteLog.fetch, flushAt: 1000, flushInterval: 0, fetchRetryCount: 0 })
  const remoteAnswers = {}
  for (const p of people) remoteAnswers[p.id] = await ask(remote, keys, p)
  await remote.shutdown()

  if (mode === 'remote') {
    for (const p of people) checkAgainstRules(remoteAnswers[p.id], keys, p, 'remote')
    const flagsCalls = requestsTo(remoteLog.log, '/flags')
    check('remote: posthog-node asked /flags', flagsCalls.length > 0, true)
    check('remote: every /flags call answered 200', flagsCalls.filter((r) => r.status !== 200).map((r) => `${r.method} ${r.url} -> ${r.status ?? r.error}`), [])
    return
  }

  const localLog = loggingFetch()
  const local = new PostHog(server.token, {
    host: server.host,
    personalApiKey: server.ownerKey,
    fetch: localLog.fetch,
    flushAt: 1000,
    flushInterval: 0,
    fetchRetryCount: 0,
    featureFlagsPollingInterval: 60000,
  })
  const ready = await local.waitForLocalEvaluationReady(5000)
  check('local: definitions loaded (waitForLocalEvaluationReady)', ready, true)
  const definitionCalls = localLog.log.filter((r) => r.path.startsWith('/flags/definitions') || r.path.startsWith('/api/feature_flag/local_evaluation'))
  check('local: definitions requests answered 200', definitionCalls.map((r) => `${r.method} ${r.path} -> ${r.status ?? r.error}`),
    definitionCalls.map((r) => `${r.method} ${r.path} -> 200`))
  check('local: definitions were requested', definitionCalls.length > 0, true)
  if (!ready) {
    fail('local: evaluation', 'skipped: posthog-node never loaded the definitions')
    await local.shutdown()
    return
  }

  const before = localLog.log.length
  for (const p of people) {
    const localAnswers = await ask(local, keys, p)
    checkAgainstRules(localAnswers, keys, p, 'local')
    for (const [question, answer] of Object.entries(localAnswers)) {
      if (question === 'inactiveInAll' || /^(getFeatureFlag|isFeatureEnabled) inactive$/.test(question)) continue
      check(`local = remote: ${question} for ${p.id}`, answer, remoteAnswers[p.id][question])
    }
  }
  const remoteCalls = localLog.log.slice(before).filter((r) => r.path.startsWith('/flags') && !r.path.startsWith('/flags/definitions') || r.path.startsWith('/decide'))
  check('local: no /flags or /decide call while evaluating', remoteCalls.map((r) => `${r.method} ${r.url}`), [])
  await local.shutdown()
})
