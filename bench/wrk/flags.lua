-- wrk script: POST /flags/?v=2 for random distinct ids with person properties, as SDKs send it.
-- The project token comes from the environment (BUNTING_TOKEN), set by bench/wrk/run.
-- BUNTING_ORIGIN sends an Origin header, as posthog-js in a page on another origin does.
local token = os.getenv("BUNTING_TOKEN")
local origin = os.getenv("BUNTING_ORIGIN")
local headers = { ["Content-Type"] = "application/json" }
if origin and origin ~= "" then headers["Origin"] = origin end
local plans = { "free", "pro", "enterprise", "startup" }
local countries = { "DE", "US", "FR", "GB", "BR", "IN" }
local counter = 0
-- BUNTING_KEYS=N: ask for N flags of the project (flag_keys_to_evaluate), picked at random among
-- its BUNTING_FLAG_COUNT flags bench-flag-0..N-1.
local keys = tonumber(os.getenv("BUNTING_KEYS") or "")
local flagCount = tonumber(os.getenv("BUNTING_FLAG_COUNT") or "50")

function keyList()
  if not keys then return "" end
  local list = {}
  for i = 1, keys do list[i] = string.format('"bench-flag-%d"', math.random(0, flagCount - 1)) end
  return ',"flag_keys_to_evaluate":[' .. table.concat(list, ",") .. ']'
end

request = function()
  counter = counter + 1
  local id = math.random(1, 1000000)
  local body = string.format(
    '{"token":"%s","distinct_id":"user-%d","person_properties":{"email":"user%d@%s","plan":"%s",' ..
    '"country":"%s","age":%d,"app_version":"2.%d.0","signed_up":"2025-0%d-15T10:00:00Z"},' ..
    '"groups":{"company":"company-%d"}%s}',
    token, id, id, (id % 3 == 0) and "example.com" or "posthog.com", plans[id % 4 + 1],
    countries[id % 6 + 1], 18 + id % 50, id % 20, 1 + id % 9, id % 500, keyList())
  return wrk.format("POST", "/flags/?v=2", headers, body)
end

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
