-- The summary every wrk script of bench/wrk prints after wrk's own: errors by kind and the
-- latency percentiles docs/performance.md records. Loaded with dofile() next to the script.
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: status %d, connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
