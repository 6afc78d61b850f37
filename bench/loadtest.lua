-- wrk script for bench/loadtest.py: replays pre-signed raw HTTP/1.1 requests.
--
--   wrk -s bench/loadtest.lua URL -- <requests file> <threads> [arns]
--
-- The requests file holds records "<byte length>\n<raw request>". Thread k of <threads> sends
-- requests k, k+threads, k+2*threads, ... and starts over at the end, so no two threads send the
-- same request unless one of them has used up its share ("sent" above "owned" in the output says
-- so; for creates, whose ClientTokens must not repeat, bench/loadtest.py treats that as an error).
-- With "arns", the ModelPackageArn of every 200 answer is printed too.
-- done() prints one "key value" line per figure; latencies are in microseconds.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

-- Globals of each thread's own Lua state: done() reads them with thread:get.
mine, position, sent, owned, statuses, arns, keep_arns = {}, 0, 0, 0, {}, {}, false

function init(args)
   local file = assert(io.open(args[1], "rb"))
   local data = file:read("*a")
   file:close()
   local stride, index, at = tonumber(args[2]), 0, 1
   keep_arns = args[3] == "arns"
   while at <= #data do
      local newline = data:find("\n", at, true)
      local length = tonumber(data:sub(at, newline - 1))
      if index % stride == id then
         table.insert(mine, data:sub(newline + 1, newline + length))
      end
      index = index + 1
      at = newline + length + 1
   end
   owned = #mine
   assert(owned > 0, "no requests for thread " .. id)
end

function request()
   position = position % owned + 1
   sent = sent + 1
   return mine[position]
end

function response(status, headers, body)
   if status ~= 200 then
      statuses[status] = (statuses[status] or 0) + 1
   elseif keep_arns then
      table.insert(arns, body:match('"ModelPackageArn"%s*:%s*"([^"]+)"') or "?")
   end
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format("requests %d\nduration_us %d\n", summary.requests, summary.duration))
   io.write(string.format("socket_errors %d\n", errors.connect + errors.read + errors.write + errors.timeout))
   io.write(string.format("timeouts %d\n", errors.timeout))
   for _, p in ipairs({ 50, 99 }) do
      io.write(string.format("p%d_us %d\n", p, latency:percentile(p)))
   end
   io.write(string.format("max_us %d\n", latency.max))
   for _, thread in ipairs(threads) do
      io.write(string.format("sent %d\nowned %d\n", thread:get("sent"), thread:get("owned")))
      for status, count in pairs(thread:get("statuses")) do
         io.write(string.format("status_%d %d\n", status, count))
      end
      for _, arn in ipairs(thread:get("arns")) do
         io.write("arn " .. arn .. "\n")
      end
   end
end
