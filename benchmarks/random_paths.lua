-- wrk script: each request takes a random path from the file named by PATHS.
local paths = {}

function init(args)
  local file = assert(io.open(os.getenv("PATHS"), "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + #paths)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
