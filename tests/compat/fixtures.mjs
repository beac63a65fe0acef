// The flags every scenario creates through the REST API, the people who ask about them, and the
// answers PostHog's rules give, worked out here from the definitions (the rollout hash is
// PostHog's documented sha1 bucketing) so neither the server nor an SDK grades itself.
import { createHash } from 'node:crypto'
import { api, createFlag, check, fail, requireSdk, server, waitFor } from './harness.mjs'

const LONG_SCALE = 0xfffffffffffffff

function hash(key, distinctId, salt = '') {
  const digest = createHash('sha1').update(`${key}.${distinctId}${salt}`).digest('hex')
  return parseInt(digest.slice(0, 15), 16) / LONG_SCALE
}

export const people = [
  { id: 'alice', person: { plan: 'pro', email: 'alice@example.com' }, company: { key: 'acme', tier: 'enterprise' } },
  { id: 'bob', person: { plan: 'free', email: 'bob@other.org' }, company: { key: 'globex', tier: 'startup' } },
  { id: 'carol', person: { plan: 'free', email: 'carol@example.com' } },
  { id: 'dave', person: { plan: 'free', email: 'dave@example.com' } },
  { id: 'erin', person: { plan: 'team', email: 'erin@elsewhere.net' } },
  { id: 'frank', person: { plan: 'free', email: 'frank@example.com' } },
]

// The SDK call options for one person: everything local evaluation needs, so it never has to
// fall back to the server.
export function optionsFor(p) {
  const options = { personProperties: p.person }
  if (p.company) {
    options.groups = { company: p.company.key }
    options.groupProperties = { company: { tier: p.company.tier } }
  }
  return options
}

const flagDefinitions = [
  {
    key: 'always-on',
    name: 'On for everyone',
    filters: { groups: [{ properties: [], rollout_percentage: 100 }], payloads: { true: '{"color":"blue"}' } },
  },
  {
    key: 'inactive',
    name: 'Switched off',
    active: false,
    filters: { groups: [{ properties: [], rollout_percentage: 100 }] },
  },
  {
    key: 'pro-only',
    name: 'Pro plan',
    filters: {
      groups: [{ properties: [{ key: 'plan', type: 'person', operator: 'exact', value: ['pro'] }], rollout_percentage: 100 }],
      payloads: { true: '{"tier":"pro"}' },
    },
  },
  {
    key: 'example-half',
    name: 'Half of example.com',
    filters: {
      groups: [{ properties: [{ key: 'email', type: 'person', operator: 'icontains', value: '@example.com' }], rollout_percentage: 50 }],
    },
  },
  {
    key: 'checkout',
    name: 'Checkout experiment',
    filters: {
      groups: [
        { properties: [{ key: 'plan', type: 'person', operator: 'exact', value: ['pro'] }], rollout_percentage: 100, variant: 'test' },
        { properties: [], rollout_percentage: 100 },
      ],
      multivariate: { variants: [{ key: 'control', rollout_percentage: 50 }, { key: 'test', rollout_percentage: 50 }] },
      payloads: { control: '"plain"', test: '{"discount":10}' },
    },
  },
]

const companyFlag = {
  key: 'enterprise-companies',
  name: 'Enterprise companies',
  filters: {
    aggregation_group_type_index: 0,
    groups: [{ properties: [{ key: 'tier', type: 'group', group_type_index: 0, operator: 'exact', value: ['enterprise'] }], rollout_percentage: 100 }],
    payloads: { true: '{"seats":500}' },
  },
}

// What PostHog answers for `p`: the flag's value and its payload (undefined when none).
export function expected(key, p) {
  switch (key) {
    case 'always-on':
      return { value: true, payload: { color: 'blue' } }
    case 'inactive':
      return { value: false, payload: undefined }
    case 'pro-only':
      return p.person.plan === 'pro' ? { value: true, payload: { tier: 'pro' } } : { value: false, payload: undefined }
    case 'example-half': {
      const on = p.person.email.toLowerCase().includes('@example.com') && hash(key, p.id) <= 0.5
      return { value: on, payload: undefined }
    }
    case 'checkout': {
      const variant = p.person.plan === 'pro' ? 'test' : hash(key, p.id, 'variant') < 0.5 ? 'control' : 'test'
      return { value: variant, payload: variant === 'test' ? { discount: 10 } : 'plain' }
    }
    case 'enterprise-companies': {
      // At 100% the group key's bucket never matters; only a company that matches does.
      return p.company?.tier === 'enterprise' ? { value: true, payload: { seats: 500 } } : { value: false, payload: undefined }
    }
  }
  throw new Error(`no expectation for ${key}`)
}

// Creates the group type the company flag needs the way an app would (posthog-node's
// groupIdentify, sent to /batch/), then every flag. Without the group type the company flag
// cannot exist, which is reported, and the other flags are still tested.
export async function createFixtures() {
  const { PostHog } = requireSdk('posthog-node')
  const client = new PostHog(server.token, { host: server.host, flushAt: 1, flushInterval: 0, fetchRetryCount: 0 })
  for (const p of people.filter((p) => p.company))
    client.groupIdentify({ groupType: 'company', groupKey: p.company.key, properties: { tier: p.company.tier } })
  await client.shutdown()

  const groupTypes = await waitFor(async () => {
    const types = await api('GET', '/api/projects/@current/groups_types/')
    return types.find((t) => t.group_type === 'company') ? types : undefined
  })
  const keys = flagDefinitions.map((f) => f.key)
  const ids = {}
  for (const definition of flagDefinitions) ids[definition.key] = (await createFlag(definition)).id
  if (groupTypes) {
    check('groupIdentify over /batch/ creates the group type company at index 0',
      groupTypes.find((t) => t.group_type === 'company').group_type_index, 0)
    ids[companyFlag.key] = (await createFlag(companyFlag)).id
    keys.push(companyFlag.key)
  } else {
    fail('groupIdentify over /batch/ creates the group type company',
      'GET groups_types never listed "company" within 5 s; the group flag is not tested')
  }
  return { keys, ids }
}

// The getAllFlags / getAllFlagsAndPayloads answers PostHog gives `p` for the active flags.
export function expectedAll(keys, p) {
  const flags = {}
  const payloads = {}
  for (const key of keys) {
    if (key === 'inactive') continue
    const { value, payload } = expected(key, p)
    flags[key] = value
    if (payload !== undefined) payloads[key] = payload
  }
  return { featureFlags: flags, featureFlagPayloads: payloads }
}
