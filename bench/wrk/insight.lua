-- wrk script for bench/wrk/insight: "reasons" asks evaluation_reasons for one of 200 persons,
-- "test <flag id>" asks test_evaluation of that flag for one of them. The personal API key comes
-- from the environment (BUNTING_KEY).
local key = os.getenv("BUNTING_KEY")
local mode, flag

init = function(args)
  mode = args[1]
  flag = args[2]
end

request = function()
  local id = math.random(1, 200)
  local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  if mode == "test" then
    return wrk.format("POST", wrk.path .. flag .. "/test_evaluation/", headers,
      string.format('{"distinct_id":"user-%d"}', id))
  end
  return wrk.format("GET", wrk.path .. "evaluation_reasons/?distinct_id=user-" .. id, headers)
end

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")
