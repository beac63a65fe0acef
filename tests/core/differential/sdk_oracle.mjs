#!/usr/bin/env node
// The oracle of tst_differential: generates random projects (flags, cohorts, group types) and
// users from a seed, evaluates every flag for every user with the real posthog-node SDK in
// local-evaluation mode, and prints the definitions, the users and the SDK's answers as one JSON
// document. tst_differential then evaluates the same input with Bunting's engine.
//
//   node sdk_oracle.mjs --seed 1 --projects 20 [--flags 10] [--users 300] [--node-modules DIR]
//   node sdk_oracle.mjs --input FILE [--node-modules DIR]
//
// With --input, the projects come from FILE instead, in the output's shape with `users` in place
// of `cases` (each user without `expected`): the way to replay a small reproduction.
//
// posthog-node is loaded from DIR (default: ./node_modules of the working directory), because
// ESM resolves bare imports next to this file, and the packages live in the build tree.
//
// Values are generated only where the SDK and PostHog's flags service agree on their meaning:
// no integer in an `exact` filter (JavaScript cannot tell 3 from 3.0), no property missing
// from the context (the SDK answers "inconclusive", the server "no match"), semvers without
// pre-release tags, dates as ISO 8601 in UTC, numbers as plain decimals, regexes in the
// portable subset. What the SDK still calls inconclusive is reported as null and skipped, and so
// is an answer that rests on a condition the SDK could not decide (see evaluateProject).

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const options = { seed: 1, projects: 20, flags: 10, users: 300, nodeModules: null, input: null }
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]
    const value = argv[i + 1]
    const number = () => {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 0) fail(`${name} needs a non-negative integer, got ${value}`)
      i++
      return n
    }
    if (name === '--seed') options.seed = number()
    else if (name === '--projects') options.projects = number()
    else if (name === '--flags') options.flags = number()
    else if (name === '--users') options.users = number()
    else if (name === '--node-modules' || name === '--input') {
      if (value === undefined) fail(`${name} needs a value`)
      options[name === '--input' ? 'input' : 'nodeModules'] = value
      i++
    } else fail(`unknown argument ${name}`)
  }
  return options
}

function fail(message) {
  process.stderr.write(`sdk_oracle: ${message}\n`)
  process.exit(2)
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness: sfc32 seeded through splitmix32, so each project has its own stream and
// changing the number of users of one project does not reshuffle the others.

function splitmix32(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

class Rng {
  constructor(...seeds) {
    const mix = splitmix32(seeds.reduce((acc, s) => (Math.imul(acc ^ s, 0x01000193) + 0x7f4a7c15) >>> 0, 0x811c9dc5))
    this.a = mix()
    this.b = mix()
    this.c = mix()
    this.d = mix()
    for (let i = 0; i < 12; i++) this.next()
  }
  next() {
    // sfc32
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t / 4294967296
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p) {
    return this.next() < p
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)]
  }
  // items: [[weight, value], ...]
  weighted(items) {
    const total = items.reduce((sum, [w]) => sum + w, 0)
    let r = this.next() * total
    for (const [w, v] of items) {
      r -= w
      if (r < 0) return v
    }
    return items[items.length - 1][1]
  }
  sample(items, n) {
    const copy = [...items]
    const out = []
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0])
    return out
  }
  hex(n) {
    let s = ''
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)]
    return s
  }
}

// ---------------------------------------------------------------------------------------------
// Property kinds: how user values and filter values of one property are made.

const PERSON_SCHEMA = {
  email: 'email',
  plan: 'category',
  country: 'intl',
  name: 'text',
  age: 'number',
  score: 'number',
  beta: 'bool',
  opted_in: 'bool',
  signup_date: 'date',
  last_seen: 'date',
  app_version: 'semver',
  os_version: 'semver',
  $device_id: 'device',
}

const GROUP_SCHEMA = {
  name: 'text',
  tier: 'category',
  seats: 'number',
  enterprise: 'bool',
  created_at: 'date',
  sdk_version: 'semver',
}

const GROUP_TYPE_MAPPING = { 0: 'company', 1: 'team' }

const CATEGORIES = ['free', 'pro', 'Pro', 'PRO', 'enterprise', 'Enterprise', 'team', 'startup-plus', 'free-trial', 'legacy']
const INTL = [
  'US', 'us', 'DE', 'de', 'FR', 'GB', 'Österreich', 'ÖSTERREICH', 'österreich', 'München', 'MÜNCHEN',
  'İstanbul', 'istanbul', 'ΟΔΟΣ', 'οδος', '日本', 'Ελλάδα', 'Straße', 'STRASSE',
]
const TEXTS = [
  'Alice Smith', 'alice smith', 'Bob Jones', 'bob', "O'Brien", 'x-ray 7', 'hello world', 'Hello World!',
  'zed', 'a.b.c', 'Zoë Ünal', '', 'release 2', 'beta tester', 'TEST-user_42',
]
const EMAIL_LOCALS = ['alice', 'Bob', 'carol', 'DAVE', 'eve', 'frank.o', 'grace_h', 'heidi+test']
const EMAIL_DOMAINS = ['example.com', 'Example.org', 'posthog.com', 'mail.co.uk', 'test.io', 'EXAMPLE.COM']

// Dates relative to now are whole hours plus 30 minutes away from it, so they keep half an hour
// from any boundary "-7d" or "-3m" can draw, and the SDK and the engine, which read the clock
// seconds apart, agree. The fixed dates are shared by users and filters, to hit equality.
const NOW_MS = Math.floor(Date.now() / 1000) * 1000 + 1800000
const FIXED_DATES = ['2024-03-01T00:00:00Z', '2024-03-01T00:00:00.000Z', '2025-12-31T23:59:59Z', '2020-02-29T12:00:00.250Z']

function isoDate(ms, rng) {
  const text = new Date(ms).toISOString()
  return rng.chance(0.5) ? text.replace(/\.\d{3}Z$/, 'Z') : text
}

function randomCase(rng, text) {
  return rng.weighted([
    [5, text],
    [2, text.toUpperCase()],
    [2, text.toLowerCase()],
    [1, [...text].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('')],
  ])
}

function numberValue(rng) {
  const base = rng.int(-5, 120)
  // Rarely no number: ordering on it is where posthog-node and the flags service part
  // (divergentOrdering), so often enough to cover, seldom enough to leave most pairs compared.
  return rng.weighted([
    [6, base],
    [6, base + rng.pick([0.5, 0.25, 0.75])],
    [6, String(base)],
    [4, String(base + rng.pick([0.5, 0.25]))],
    [1, 'n/a'],
  ])
}

// A small pool, so equality and the tilde and caret ranges actually hit.
const SEMVERS = [
  [0, 0, 3], [0, 2, 9], [0, 9, 12], [1, 0, 0], [1, 2, 3], [1, 2, 10], [1, 3, 0], [1, 10, 2], [2, 0, 0], [2, 1, 5],
]

function semverParts(rng) {
  const [major, minor, patch] = rng.pick(SEMVERS)
  return rng.chance(0.8) ? [major, minor, patch] : [major, minor + rng.int(-1, 1) < 0 ? 0 : minor + rng.int(0, 1), patch + rng.int(0, 2)]
}

function semverValue(rng) {
  const [major, minor, patch] = semverParts(rng)
  return rng.weighted([
    [8, `${major}.${minor}.${patch}`],
    [1, `v${major}.${minor}.${patch}`],
    [1, `${major}.${minor}`],
  ])
}

function dateValue(rng) {
  if (rng.chance(0.15)) return rng.pick(FIXED_DATES)
  if (rng.chance(0.5)) {
    const hours = rng.weighted([
      [3, rng.int(0, 24 * 14)],
      [3, rng.int(0, 24 * 120)],
      [2, rng.int(0, 24 * 800)],
    ])
    return isoDate(NOW_MS - hours * 3600000 - rng.int(0, 999) * (rng.chance(0.5) ? 1 : 0), rng)
  }
  return isoDate(Date.UTC(rng.int(2015, 2035), rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59), rng.int(0, 59), rng.int(0, 999)), rng)
}

function userValue(rng, kind) {
  if (rng.chance(0.06)) return null
  switch (kind) {
    case 'email':
      return `${rng.pick(EMAIL_LOCALS)}${rng.int(1, 99)}@${rng.pick(EMAIL_DOMAINS)}`
    case 'category':
      if (rng.chance(0.05)) return rng.pick([true, false, 2.5])
      return rng.pick(CATEGORIES)
    case 'intl':
      return rng.pick(INTL)
    case 'text':
      if (rng.chance(0.05)) return rng.pick([true, 17.25, 'true'])
      return rng.pick(TEXTS)
    case 'number':
      if (rng.chance(0.02)) return rng.pick([true, false])
      return numberValue(rng)
    case 'bool':
      return rng.pick([true, false, true, false, 'true', 'false', 'True', 'FALSE', 'yes'])
    case 'date':
      return dateValue(rng)
    case 'semver':
      return semverValue(rng)
    case 'device':
      return rng.chance(0.05) ? '' : `dev-${rng.hex(10)}`
    default:
      throw new Error(`unknown kind ${kind}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Property filters, one operator at a time.

const PROPERTY_OPERATORS = [
  'exact', 'is_not', 'is_set', 'is_not_set', 'icontains', 'not_icontains', 'regex', 'not_regex',
  'gt', 'gte', 'lt', 'lte', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with',
  'is_date_before', 'is_date_after', 'semver_eq', 'semver_neq', 'semver_gt', 'semver_gte',
  'semver_lt', 'semver_lte', 'semver_tilde', 'semver_caret', 'semver_wildcard',
]

function keysOfKind(schema, kinds) {
  return Object.keys(schema).filter((key) => kinds.includes(schema[key]))
}

function pickKey(rng, schema, weightedKinds) {
  const kind = rng.weighted(weightedKinds.filter(([, k]) => keysOfKind(schema, [k]).length > 0))
  return rng.pick(keysOfKind(schema, [kind]))
}

function stringSample(rng, kind) {
  switch (kind) {
    case 'email':
      return `${rng.pick(EMAIL_LOCALS)}${rng.int(1, 99)}@${rng.pick(EMAIL_DOMAINS)}`
    case 'category':
      return rng.pick(CATEGORIES)
    case 'intl':
      return rng.pick(INTL)
    default:
      return rng.pick(TEXTS.filter((t) => t !== ''))
  }
}

function exactScalar(rng, kind) {
  switch (kind) {
    case 'bool':
      return rng.pick([true, false, 'true', 'false', 'True', 'FALSE'])
    case 'number':
      // Never an integer: the SDK cannot tell 3 from 3.0 and gives up on such filters.
      return rng.pick([`${rng.int(-5, 120)}`, rng.int(-5, 120) + 0.5, `${rng.int(0, 50)}.25`, 'n/a'])
    case 'semver':
      return semverValue(rng)
    case 'date':
      return dateValue(rng)
    case 'device':
      return `dev-${rng.hex(10)}`
    default:
      return randomCase(rng, stringSample(rng, kind))
  }
}

function substringOf(rng, text) {
  if (text.length === 0) return text
  const start = rng.int(0, Math.max(0, text.length - 1))
  const length = rng.int(1, Math.min(6, text.length - start))
  return text.slice(start, start + length)
}

const REGEXES = {
  email: ['@example\\.(com|org)$', '^[a-z]+\\d+@', '^(alice|bob)', '\\.co\\.uk$', '^[A-Z]', '\\+test', 'posthog', '^.*@test\\.io$'],
  category: ['^(free|pro)$', '^pro', 'ent', '-', '^[A-Z]+$', 'free|team', '^\\w+$', 'e{2,}'],
  text: ['^A', '\\s', '\\d+', '^[a-z ]+$', 'world', "'", '^[^0-9]*$', '(?:Smith|Jones)$'],
  intl: ['^US$', '^[a-z]+$', 'ich$'],
  semver: ['^1\\.', '^\\d+\\.\\d+\\.\\d+$', '^v', '\\.0$'],
  number: ['^\\d+$', '^-', '\\.5'],
  bool: ['^tr', '^(true|false)$', 'e$'],
}
// Invalid patterns: the SDK and the flags service both treat them as "never matches".
const INVALID_REGEXES = ['(ab', '[a-', '*abc', 'a)']

function relativeDate(rng) {
  return rng.weighted([
    [3, `-${rng.int(1, 30)}d`],
    [2, `-${rng.int(1, 72)}h`],
    [2, `-${rng.int(1, 8)}w`],
    [2, `-${rng.int(1, 18)}m`],
    [1, `-${rng.int(1, 3)}y`],
  ])
}

function semverFilterValue(rng, operator) {
  const [major, minor, patch] = semverParts(rng)
  switch (operator) {
    case 'semver_tilde':
      return rng.pick([`${major}.${minor}.${patch}`, `${major}.${minor}`, `${major}.${minor}.0`])
    case 'semver_caret':
      return rng.pick([`${major}.${minor}.${patch}`, `0.${minor}.${patch}`, `0.0.${patch}`, `${major}.${minor}`])
    case 'semver_wildcard':
      return rng.pick([`${major}.*`, `${major}.${minor}.*`, `${major}`, `${major}.${minor}`])
    default:
      return rng.weighted([
        [8, `${major}.${minor}.${patch}`],
        [1, `v${major}.${minor}.${patch}`],
        [1, `${major}.${minor}`],
      ])
  }
}

function makePropertyFilter(rng, operator, schema, type, groupTypeIndex) {
  let key
  let value
  switch (operator) {
    case 'exact':
    case 'is_not': {
      key = pickKey(rng, schema, [
        [4, 'category'], [3, 'intl'], [2, 'email'], [2, 'text'], [4, 'bool'], [1, 'number'], [1, 'semver'], [1, 'date'],
      ])
      const kind = schema[key]
      value = rng.weighted([
        [55, () => exactScalar(rng, kind)],
        [30, () => Array.from({ length: rng.int(1, 4) }, () => exactScalar(rng, kind))],
        [4, () => 'null'],
        [4, () => rng.pick([false, 'false', true])],
        [3, () => rng.pick([['true'], ['false', 'true'], [true]])],
        [1, () => []],
      ])()
      break
    }
    case 'is_set':
    case 'is_not_set':
      key = rng.pick(Object.keys(schema))
      value = operator
      break
    case 'icontains':
    case 'not_icontains':
    case 'starts_with':
    case 'not_starts_with':
    case 'ends_with':
    case 'not_ends_with': {
      key = pickKey(rng, schema, [[4, 'email'], [3, 'category'], [2, 'intl'], [3, 'text'], [1, 'number'], [1, 'bool']])
      const kind = schema[key]
      if (kind === 'number') value = rng.pick(['5', '.', '-', '0.', '2'])
      else if (kind === 'bool') value = rng.pick(['TRU', 'e', 'fal', 'null'])
      else {
        const sample = stringSample(rng, kind)
        const part = operator.includes('starts')
          ? sample.slice(0, rng.int(1, Math.min(5, sample.length)))
          : operator.includes('ends')
            ? sample.slice(-rng.int(1, Math.min(5, sample.length)))
            : substringOf(rng, sample)
        value = randomCase(rng, part)
      }
      break
    }
    case 'regex':
    case 'not_regex': {
      key = pickKey(rng, schema, [[4, 'email'], [3, 'category'], [3, 'text'], [1, 'intl'], [2, 'semver'], [1, 'number'], [1, 'bool']])
      value = rng.chance(0.08) ? rng.pick(INVALID_REGEXES) : rng.pick(REGEXES[schema[key]])
      break
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // Numbers only: on anything else the flags service answers "no match" and posthog-node
      // compares the texts (see divergentOrdering).
      key = pickKey(rng, schema, [[1, 'number']])
      value = rng.weighted([
        [3, rng.int(-5, 120)],
        [2, rng.int(-5, 120) + 0.5],
        [3, `${rng.int(-5, 120)}`],
        [1, `${rng.int(0, 100)}.75`],
      ])
      break
    }
    case 'is_date_before':
    case 'is_date_after':
      key = pickKey(rng, schema, [[1, 'date']])
      value = rng.weighted([
        [5, () => relativeDate(rng)],
        [4, () => dateValue(rng)],
      ])()
      break
    default:
      if (!operator.startsWith('semver_')) throw new Error(`no generator for ${operator}`)
      key = pickKey(rng, schema, [[1, 'semver']])
      value = semverFilterValue(rng, operator)
  }
  const filter = { key, type, value, operator }
  if (type === 'group') filter.group_type_index = groupTypeIndex
  return filter
}

// Operators are dealt from a shuffled deck, renewed per project, so every project uses each one
// about equally often and no seed starves a rare one.
let operatorDeck = []

function randomOperator(rng) {
  if (operatorDeck.length === 0) operatorDeck = rng.sample(PROPERTY_OPERATORS, PROPERTY_OPERATORS.length)
  return operatorDeck.pop()
}

// ---------------------------------------------------------------------------------------------
// Projects

const WORDS = ['checkout', 'beta', 'onboarding', 'dark-mode', 'pricing', 'search', 'export', 'billing', 'new_nav', 'ai-assist']
const PAYLOADS = [
  '{"color":"blue","size":3}',
  '[1,2,3]',
  '42',
  '3.14',
  '"hello"',
  'true',
  'false',
  'null',
  '{"nested":{"a":[1,{"b":null}],"c":-0.5}}',
  'plain text, not JSON',
  '{"unicode":"ü日本"}',
  '""',
]

function makeCohorts(rng, projectIndex) {
  const cohorts = {}
  const ids = []
  const count = rng.int(1, 4)
  for (let i = 0; i < count; i++) {
    const id = 1000 + projectIndex * 10 + i
    const leaf = () => {
      if (ids.length > 0 && rng.chance(0.3)) {
        const ref = { key: 'id', type: 'cohort', value: rng.pick(ids) }
        if (rng.chance(0.3)) ref.operator = rng.pick(['in', 'not_in'])
        if (rng.chance(0.25)) ref.negation = true
        return ref
      }
      const filter = makePropertyFilter(rng, randomOperator(rng), PERSON_SCHEMA, 'person')
      if (rng.chance(0.25)) filter.negation = true
      return filter
    }
    const leaves = () => Array.from({ length: rng.int(1, 3) }, leaf)
    let tree
    if (rng.chance(0.04)) {
      tree = { type: rng.pick(['AND', 'OR']), values: [] }
    } else if (rng.chance(0.6)) {
      tree = {
        type: rng.pick(['AND', 'OR']),
        values: Array.from({ length: rng.int(1, 3) }, () => ({ type: rng.pick(['AND', 'OR']), values: leaves() })),
      }
    } else {
      tree = { type: rng.pick(['AND', 'OR']), values: leaves() }
    }
    cohorts[String(id)] = tree
    ids.push(id)
  }
  return { cohorts, ids }
}

function rolloutPercentage(rng) {
  return rng.weighted([
    [2, undefined],
    [1, 0],
    [2, 100],
    [3, () => rng.int(1, 99)],
    [3, () => rng.pick([33.3, 12.75, 66.67, 0.5, 99.9, 45.5, 10.01])],
  ])
}

function makeVariants(rng) {
  const count = rng.int(2, 4)
  const keys = rng.sample(['control', 'test', 'variant-a', 'variant-b', 'blue', 'Green', 'third', 'x'], count)
  let percentages
  const style = rng.weighted([[5, 'even'], [4, 'random'], [1, 'short']])
  if (style === 'even') {
    // Decimal shares such as 33.33 exercise the accumulation of bucket bounds.
    const share = Math.floor((100 / count) * 100) / 100
    percentages = keys.map((_, i) => (i === count - 1 ? Math.round((100 - share * (count - 1)) * 100) / 100 : share))
  } else {
    const cuts = Array.from({ length: count - 1 }, () => rng.int(0, 100)).sort((a, b) => a - b)
    percentages = [...cuts, 100].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]))
    if (style === 'short') percentages[percentages.length - 1] = Math.max(0, percentages[percentages.length - 1] - 15)
  }
  return keys.map((key, i) => ({ key, name: `Variant ${key}`, rollout_percentage: percentages[i] }))
}

// Topological order of everything `flag` depends on, ending with the flag itself: the
// `dependency_chain` PostHog serves with each flag dependency for local evaluation.
function dependencyChain(flags, index, seen = new Set()) {
  const chain = []
  const visit = (i) => {
    if (seen.has(i)) return
    seen.add(i)
    for (const dep of flags[i].dependsOn) visit(dep)
    chain.push(flags[i].definition.key)
  }
  visit(index)
  return chain
}

function makeFlag(rng, projectIndex, index, flags, cohortIds) {
  const isGroup = rng.chance(0.18)
  const groupTypeIndex = isGroup ? rng.int(0, 1) : undefined
  const multivariate = rng.chance(0.38)
  const key = rng.chance(0.05) ? `flag-ü-${index}` : `${rng.pick(WORDS)}-${projectIndex}-${index}`
  const variants = multivariate ? makeVariants(rng) : null
  const dependsOn = new Set()

  const conditionCount = rng.weighted([[4, 1], [4, 2], [2, 3], [1, 4]])
  const groups = []
  for (let c = 0; c < conditionCount; c++) {
    // A person flag may aim one condition at a group ("mixed targeting").
    const conditionGroup = !isGroup && rng.chance(0.08) ? rng.int(0, 1) : undefined
    const aimedAtGroup = isGroup || conditionGroup !== undefined
    const gti = isGroup ? groupTypeIndex : conditionGroup
    const properties = []
    const propertyCount = rng.weighted([[2, 0], [4, 1], [3, 2], [2, 3]])
    for (let p = 0; p < propertyCount; p++) {
      const roll = rng.next()
      if (!aimedAtGroup && cohortIds.length > 0 && roll < 0.15) {
        const filter = { key: 'id', type: 'cohort', value: rng.pick(cohortIds) }
        const op = rng.weighted([[2, 'in'], [1, undefined], [1, 'not_in']])
        if (op) filter.operator = op
        properties.push(filter)
      } else if (index > 0 && roll > 0.85) {
        const dep = rng.int(0, index - 1)
        const depFlag = flags[dep].definition
        const depVariants = depFlag.filters.multivariate?.variants ?? []
        const value =
          depVariants.length > 0 && rng.chance(0.5) ? rng.pick(depVariants).key : rng.pick([true, true, false])
        dependsOn.add(dep)
        properties.push({
          key: depFlag.key,
          type: 'flag',
          value,
          operator: 'flag_evaluates_to',
          dependency_chain: dependencyChain(flags, dep),
        })
      } else {
        const schema = aimedAtGroup ? GROUP_SCHEMA : PERSON_SCHEMA
        properties.push(makePropertyFilter(rng, randomOperator(rng), schema, aimedAtGroup ? 'group' : 'person', gti))
      }
    }
    const condition = { properties }
    const rollout = rolloutPercentage(rng)
    const rolloutValue = typeof rollout === 'function' ? rollout() : rollout
    if (rolloutValue !== undefined) condition.rollout_percentage = rolloutValue
    if (variants) {
      const override = rng.weighted([[6, undefined], [1, null], [3, rng.pick(variants).key], [1, 'no-such-variant']])
      if (override !== undefined) condition.variant = override
    }
    if (conditionGroup !== undefined) condition.aggregation_group_type_index = conditionGroup
    groups.push(condition)
  }

  const filters = { groups }
  if (isGroup) filters.aggregation_group_type_index = groupTypeIndex
  if (variants) filters.multivariate = { variants }
  const payloads = {}
  for (const payloadKey of variants ? variants.map((v) => v.key) : ['true']) {
    if (rng.chance(0.6)) payloads[payloadKey] = rng.pick(PAYLOADS)
  }
  if (Object.keys(payloads).length > 0 && rng.chance(0.05)) {
    // An object rather than a JSON string: served like this by older PostHog versions.
    payloads[Object.keys(payloads)[0]] = { raw: true, n: 1.5 }
  }
  filters.payloads = payloads
  if (rng.chance(0.08)) filters.holdout = { id: rng.int(1, 99), exclusion_percentage: rng.pick([0, 5, 10.5, 50, 100]) }

  const definition = {
    id: projectIndex * 100 + index + 1,
    name: `Flag ${index}`,
    key,
    active: rng.chance(0.92),
    deleted: false,
    filters,
    ensure_experience_continuity: false,
    version: 1,
  }
  if (!isGroup && rng.chance(0.06)) definition.bucketing_identifier = 'device_id'
  return { definition, dependsOn }
}

function makeUsers(rng, projectIndex, count) {
  // A handful of groups shared by many users, each with fixed properties, as in real projects.
  const groupPool = {}
  for (const name of Object.values(GROUP_TYPE_MAPPING)) {
    groupPool[name] = Array.from({ length: 6 }, (_, i) => {
      const props = {}
      for (const [key, kind] of Object.entries(GROUP_SCHEMA)) props[key] = userValue(rng, kind)
      return { key: rng.chance(0.2) ? `${name}-ü-${i}` : `${name}-${projectIndex}-${i}`, props }
    })
  }
  const users = []
  const seen = new Set()
  for (let u = 0; u < count; u++) {
    let distinctId
    do {
      distinctId = rng.weighted([
        [5, `user-${rng.int(0, 99999)}`],
        [2, `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`],
        [1, `${rng.pick(EMAIL_LOCALS)}@${rng.pick(EMAIL_DOMAINS)}`],
        [1, `${rng.int(1, 10 ** 7)}`],
        [1, `用户-${rng.int(0, 999)}`],
      ])
    } while (seen.has(distinctId))
    seen.add(distinctId)
    const personProperties = {}
    for (const [key, kind] of Object.entries(PERSON_SCHEMA)) personProperties[key] = userValue(rng, kind)
    const groups = {}
    const groupProperties = {}
    for (const name of Object.values(GROUP_TYPE_MAPPING)) {
      if (rng.chance(0.85)) {
        const group = rng.pick(groupPool[name])
        groups[name] = group.key
        groupProperties[name] = { ...group.props }
      }
    }
    users.push({ distinct_id: distinctId, person_properties: personProperties, groups, group_properties: groupProperties })
  }
  return users
}

function makeProject(seed, projectIndex, flagCount, userCount) {
  const rng = new Rng(seed, projectIndex, 0x5eed)
  operatorDeck = []
  const { cohorts, ids } = makeCohorts(rng, projectIndex)
  const flags = []
  for (let i = 0; i < flagCount; i++) flags.push(makeFlag(rng, projectIndex, i, flags, ids))
  const users = makeUsers(new Rng(seed, projectIndex, 0x05e5), projectIndex, userCount)
  return {
    flags: flags.map((f) => f.definition),
    cohorts,
    group_type_mapping: { ...GROUP_TYPE_MAPPING },
    users,
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation with posthog-node

function loadSdk(nodeModules) {
  const require = createRequire(path.join(path.resolve(nodeModules), 'sdk_oracle_resolver.cjs'))
  return { root: path.resolve(nodeModules), PostHog: require('posthog-node').PostHog, core: require('@posthog/core') }
}

function jsonResponse(status, body) {
  const text = JSON.stringify(body)
  return {
    status,
    headers: new Headers({ 'Content-Type': 'application/json' }),
    text: async () => text,
    json: async () => JSON.parse(text),
  }
}

const unexpectedRequests = []

// The SDK's only way out: definitions for the poller, a refusal for anything else.
function fakeFetch(definitions) {
  return async (url) => {
    const { pathname } = new URL(url)
    if (pathname === '/flags/definitions' || pathname === '/api/feature_flag/local_evaluation') {
      return jsonResponse(200, definitions)
    }
    unexpectedRequests.push(url)
    return jsonResponse(503, {})
  }
}

// Counts, per operator, how the SDK's own property matcher answered for the generated users,
// so the test can prove each operator was exercised both ways rather than trusting the mix.
function countOperatorOutcomes(core, project, stats) {
  const filters = []
  const collect = (filter, scope) => {
    if (filter.type === 'person' || filter.type === 'group') filters.push({ filter, scope })
  }
  const walk = (tree) => {
    for (const value of tree.values ?? []) {
      if ('values' in value) walk(value)
      else collect(value, 'person')
    }
  }
  for (const flag of project.flags) {
    for (const condition of flag.filters.groups) {
      for (const filter of condition.properties) collect(filter, filter.type === 'group' ? filter.group_type_index : 'person')
    }
  }
  for (const tree of Object.values(project.cohorts)) walk(tree)

  for (const user of project.users) {
    for (const { filter, scope } of filters) {
      let properties = user.person_properties
      if (scope !== 'person') {
        properties = user.group_properties[project.group_type_mapping[scope]]
        if (!properties) continue
      }
      const entry = (stats[filter.operator] ??= { true: 0, false: 0, inconclusive: 0 })
      try {
        entry[core.matchFeatureFlagProperty(filter, properties) ? 'true' : 'false']++
      } catch (e) {
        if (!(e instanceof core.InconclusiveMatchError)) throw e
        entry.inconclusive++
      }
    }
  }
}

// PostHog's flags service compares gt/gte/lt/lte as numbers only and answers "no match" when
// a side is no number; posthog-node compares the texts then (docs/evaluation.md). An answer that
// may rest on such a comparison differs by design, so it is no answer here.
const RUST_FLOAT = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)$/i
const ORDERING = new Set(['gt', 'gte', 'lt', 'lte'])

function serverNumeric(value) {
  return typeof value === 'number' || (typeof value === 'string' && RUST_FLOAT.test(value))
}

// The ordering filters a flag's answer can depend on: its own, its cohorts' and its
// dependencies', each once.
function orderingFilters(project, flag, seen = new Set()) {
  if (seen.has(flag)) return []
  seen.add(flag)
  const found = []
  const cohortFilters = (node, visited) => {
    if (!node || typeof node !== 'object') return
    if (Array.isArray(node.values)) {
      for (const child of node.values) cohortFilters(child, visited)
      return
    }
    if (node.type === 'cohort') {
      const id = String(node.value)
      if (!visited.has(id)) {
        visited.add(id)
        cohortFilters(project.cohorts[id], visited)
      }
    } else if (ORDERING.has(node.operator)) {
      found.push(node)
    }
  }
  for (const group of flag.filters?.groups ?? []) {
    for (const property of group.properties ?? []) {
      if (property.type === 'cohort') cohortFilters(property, new Set())
      else if (property.type === 'flag') {
        const dependency = project.flags.find((f) => String(f.id) === String(property.key) || f.key === property.key)
        if (dependency) found.push(...orderingFilters(project, dependency, seen))
      } else if (ORDERING.has(property.operator)) found.push(property)
    }
  }
  return found
}

function divergentOrdering(filters, user) {
  const valuesOf = (key) => [user.person_properties?.[key], ...Object.values(user.group_properties ?? {}).map((p) => p?.[key])]
  return filters.some((filter) => !serverNumeric(filter.value) ||
    valuesOf(filter.key).some((v) => v !== undefined && v !== null && !serverNumeric(v)))
}

async function evaluateProject(sdk, project) {
  const definitions = {
    flags: project.flags,
    group_type_mapping: project.group_type_mapping,
    cohorts: project.cohorts,
  }
  const client = new sdk.PostHog('phc_test', {
    personalApiKey: 'phx_test',
    host: 'http://127.0.0.1:1',
    fetch: fakeFetch(definitions),
    flushAt: 1,
    fetchRetryCount: 0,
    requestTimeout: 1000,
    featureFlagsPollingInterval: null,
    disableGeoip: true,
  })
  client.on('error', (error) => process.stderr.write(`sdk_oracle: posthog-node error: ${error}\n`))

  // posthog-node skips a condition it cannot decide and lets a later one answer: sound when the
  // answer is "no match", but where the server would have matched the skipped condition, it
  // answers with that condition's value instead. So an answer that rests on an undecided
  // condition, of the flag or of a flag it depends on, is no answer here. Observing the
  // poller's per-condition method sees exactly that; it changes no result.
  const poller = client.featureFlagsPoller
  if (typeof poller?.isConditionMatch !== 'function') throw new Error('posthog-node has no FeatureFlagsPoller.isConditionMatch')
  let undecidedCondition = false
  const isConditionMatch = poller.isConditionMatch.bind(poller)
  poller.isConditionMatch = async (...args) => {
    try {
      return await isConditionMatch(...args)
    } catch (error) {
      undecidedCondition = true
      throw error
    }
  }

  try {
    await client.reloadFeatureFlags()
    if (!client.isLocalEvaluationReady()) throw new Error('posthog-node did not load the flag definitions')

    const ordering = new Map(project.flags.map((flag) => [flag.key, orderingFilters(project, flag)]))
    const cases = []
    for (const user of project.users) {
      const expected = {}
      const expectedPayloads = {}
      const partlyUndecided = []
      const options = {
        personProperties: user.person_properties,
        groups: user.groups,
        groupProperties: user.group_properties,
        onlyEvaluateLocally: true,
        sendFeatureFlagEvents: false,
      }
      for (const flag of project.flags) {
        undecidedCondition = false
        let value = await client.getFeatureFlag(flag.key, user.distinct_id, options)
        if (value !== undefined && (undecidedCondition || divergentOrdering(ordering.get(flag.key), user))) {
          partlyUndecided.push(flag.key)
          value = undefined
        }
        expected[flag.key] = value === undefined ? null : value
        if (value !== undefined) {
          const payload = await client.getFeatureFlagPayload(flag.key, user.distinct_id, undefined, options)
          expectedPayloads[flag.key] = payload === undefined ? null : payload
        }
      }
      cases.push({ ...user, expected, expected_payloads: expectedPayloads, partly_undecided: partlyUndecided })
    }
    return cases
  } finally {
    await client.shutdown(2000)
  }
}

function normalizeInput(project) {
  return {
    flags: project.flags ?? [],
    cohorts: project.cohorts ?? {},
    group_type_mapping: project.group_type_mapping ?? {},
    users: (project.users ?? []).map((user) => ({ person_properties: {}, groups: {}, group_properties: {}, ...user })),
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  // Everything the SDK logs goes to stderr: stdout carries the one JSON document.
  for (const method of ['log', 'info', 'debug', 'warn']) {
    console[method] = (...args) => process.stderr.write(`${args.join(' ')}\n`)
  }
  const sdk = loadSdk(options.nodeModules ?? path.join(process.cwd(), 'node_modules'))

  const inputProjects = options.input ? JSON.parse(readFileSync(options.input, 'utf8')).projects : null
  const projectCount = inputProjects ? inputProjects.length : options.projects
  const projects = []
  const operatorOutcomes = {}
  for (let p = 0; p < projectCount; p++) {
    const project = inputProjects
      ? normalizeInput(inputProjects[p])
      : makeProject(options.seed, p, options.flags, options.users)
    countOperatorOutcomes(sdk.core, project, operatorOutcomes)
    const cases = await evaluateProject(sdk, project)
    projects.push({
      flags: project.flags,
      cohorts: project.cohorts,
      group_type_mapping: project.group_type_mapping,
      cases,
    })
  }
  if (unexpectedRequests.length > 0) {
    throw new Error(`posthog-node made unexpected requests: ${[...new Set(unexpectedRequests)].join(', ')}`)
  }

  const sdkPackage = JSON.parse(readFileSync(path.join(sdk.root, 'posthog-node', 'package.json'), 'utf8'))
  const document = {
    sdk: `posthog-node ${sdkPackage.version}`,
    seed: options.input ? null : options.seed,
    operators: PROPERTY_OPERATORS,
    operator_outcomes: operatorOutcomes,
    projects,
  }
  await new Promise((resolve, reject) =>
    process.stdout.write(`${JSON.stringify(document)}\n`, (error) => (error ? reject(error) : resolve()))
  )
}

main().catch((error) => {
  process.stderr.write(`sdk_oracle: ${error?.stack ?? error}\n`)
  process.exitCode = 1
})
