-- wrk script of bench/web-latency.sh: requests the paths of a file (one a
-- line, its name given after `--`) in turn, each thread from its own place
-- in the list, counts the responses whose status is not 2xx, and prints the
-- run's figures as `name value` lines for the shell to read.
local threads = {}

function setup(thread)
    thread:set("first", #threads)
    table.insert(threads, thread)
end

function init(args)
    paths = {}
    for line in io.lines(args[1]) do
        if line ~= "" then
            paths[#paths + 1] = line
        end
    end
    if #paths == 0 then
        error("no path in " .. args[1])
    end
    at = first % #paths
    not_2xx = 0
end

function request()
    at = at % #paths + 1
    return wrk.format("GET", paths[at])
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        not_2xx = not_2xx + 1
    end
end

function done(summary, latency, requests)
    local bad = 0
    for _, thread in ipairs(threads) do
        bad = bad + thread:get("not_2xx")
    end
    local e = summary.errors
    io.write(string.format("requests %d\nseconds %.3f\nnot_2xx %d\n", summary.requests,
        summary.duration / 1e6, bad))
    io.write(string.format("socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
    io.write(string.format("socket_errors_detail connect %d, read %d, write %d, timeout %d\n",
        e.connect, e.read, e.write, e.timeout))
    io.write(string.format("latency_p50_ms %.1f\nlatency_p99_ms %.1f\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
