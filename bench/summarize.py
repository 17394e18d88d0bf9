"""Turns the JSON results of one bench run into the markdown tables docs/benchmarks.md quotes."""
import json
import pathlib
import sys

run = pathlib.Path(sys.argv[1])
rows = []
for f in sorted(run.glob("*.json")):
    d = json.loads(f.read_text())
    d["_name"] = f.stem
    rows.append(d)

machine = (run / "machine.txt").read_text() if (run / "machine.txt").exists() else ""
print(f"# Bench run {run.name}\n\n```\n{machine}```\n")

closed = [d for d in rows if "rps" in d]
if closed:
    print("| result | req/s | p50 ms | p95 ms | p99 ms | max ms | overhead p99 ms | non-2xx | CPU hub | CPU db | CPU redis | CPU fake | CPU wrk | CPU ms/req hub | CPU ms/req hub+db | hub RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for d in closed:
        l, c = d["latency"], d.get("cpu_cores", {})
        print(f"| {d['_name']} (c={d['connections']}) | {d['rps']:.0f} | {l['p50_ms']:.2f} | {l['p95_ms']:.2f} | "
              f"{l['p99_ms']:.2f} | {l['max_ms']:.1f} | {d['hub_overhead']['p99_ms']:.2f} | {d['non_2xx'] + d['socket_errors']} | "
              f"{c.get('hub', 0):.2f} | {c.get('mariadb', 0):.2f} | {c.get('redis', 0):.2f} | {c.get('fake_model', 0):.2f} | "
              f"{c.get('load', 0):.2f} | {d.get('cpu_ms_per_request', {}).get('hub', 0):.2f} | "
              f"{d.get('cpu_ms_per_request', {}).get('hub_and_db', 0):.2f} | {d.get('hub_rss_mib', 0)} |")
    print()

for d in rows:
    if d.get("scenario") == "whatsapp-webhook-open-loop":
        l, c, k = d["latency"], d.get("cpu_cores", {}), d.get("db_check", {})
        print(f"**{d['_name']}**: {d['target_rate']:.0f} events/s offered for {d['sent']} events (achieved "
              f"{d['achieved_send_rate']}/s); {d['acked_200']} acknowledged 200, {d['failed']} failed "
              f"({d['failed_by_status'] or 'none'}); ack latency p50 {l['p50_ms']:.2f} ms, p95 {l['p95_ms']:.2f} ms, "
              f"p99 {l['p99_ms']:.2f} ms, max {l['max_ms']:.1f} ms. Database afterwards: {k}. CPU cores {c}; CPU ms an "
              f"acknowledged event (its processing in the window included) {d.get('cpu_ms_per_request')}.\n")
    if d.get("scenario") == "chat-open-loop":
        l, o, c = d["latency"], d.get("hub_overhead", {}), d.get("cpu_cores", {})
        print(f"**{d['_name']}**: chat turns in an open loop at {d['target_rate']:.0f}/s (achieved "
              f"{d['achieved_send_rate']}/s) for {d['sent']} turns; {d['answered_2xx']} answered, {d['failed']} failed "
              f"({d['failed_by_status'] or 'none'}); latency p50 {l['p50_ms']:.2f} ms, p99 {l['p99_ms']:.2f} ms, max "
              f"{l['max_ms']:.1f} ms; hub overhead p99 {o.get('p99_ms', 0):.2f} ms; CPU cores {c}; CPU ms a turn "
              f"{d.get('cpu_ms_per_request')}.\n")
    if d.get("scenario") == "sse-concurrent-streams":
        print(f"**{d['_name']}**: {d['streams']} streams, {d['completed_with_done']} ended with `done`, "
              f"{d['errors']} errors ({d['error_kinds'] or 'none'}); at most {d['max_open_at_client']} open at the client, "
              f"{d.get('max_streams_open_at_model')} at the model; peak hub heap {d.get('peak_hub_heap_used_mib')} MiB "
              f"of 1024, RSS {d.get('peak_hub_rss_mib')} MiB, {d.get('peak_hub_threads')} threads; first event p50 "
              f"{d['first_event']['p50_ms']:.1f} ms p99 {d['first_event']['p99_ms']:.1f} ms; whole stream p50 "
              f"{d['whole_stream']['p50_ms'] / 1000:.1f} s p99 {d['whole_stream']['p99_ms'] / 1000:.1f} s; CPU cores "
              f"{d.get('cpu_cores')}; CPU ms a finished stream {d.get('cpu_ms_per_request')}.\n")
