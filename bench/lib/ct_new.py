#!/usr/bin/python3
"""New connections per second of a stateful firewall, for bench/run's fw-new scenario.

The traffic file holds TUPLES distinct 5-tuples, one packet each. Replayed forever, its second
pass would only meet connections the first pass created, so the set-up rate is read over the
first pass into an empty table. For each reading: the source port is removed, the connection
table flushed, the port added again (the file then plays from its first packet), and the sink's
transmitted packets are sampled while the pass runs. Every packet that reaches the sink during
the pass belongs to a connection it created (a packet the firewall refuses does not reach it).
The rate is taken between the samples where the pass crosses 10 % and 90 % of TUPLES
(interpolated), so the start of the port and the end of the pass are left out.

  ct_new.py dse --socket PATH --tuples N --readings N --port JSON
  ct_new.py ovs --tuples N --readings N --ovs-db PATH --ovs-ctl PATH --port DEVARGS

Prints "rate MCPS" per reading and "note TEXT" for anything to report.
"""
import argparse
import json
import socket
import subprocess
import sys
import threading
import time


class Rpc:
    """A JSON-RPC 2.0 client on the engine's unix socket, one request per line (docs/api.md)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 0

    def call(self, method, params=None):
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            req["params"] = params
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        resp = json.loads(self.file.readline())
        if "error" in resp:
            raise RuntimeError("%s: %s" % (method, resp["error"]))
        return resp["result"]


class Unixctl:
    """ovs-vswitchd's control socket: JSON-RPC 1.0 objects back to back, no framing."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = ""
        self.next_id = 0
        self.decoder = json.JSONDecoder()

    def call(self, method, *params):
        self.next_id += 1
        req = {"method": method, "params": list(params), "id": self.next_id}
        self.sock.sendall(json.dumps(req).encode())
        while True:
            try:
                resp, end = self.decoder.raw_decode(self.buf.lstrip())
                self.buf = self.buf.lstrip()[end:]
                break
            except ValueError:
                data = self.sock.recv(65536)
                if not data:
                    raise RuntimeError("ovs-vswitchd closed its control socket")
                self.buf += data.decode()
        if resp.get("error"):
            raise RuntimeError("%s: %s" % (method, resp["error"]))
        return resp["result"]


def crossing(samples, level):
    """Time at which the counter reached level, interpolated between two samples."""
    for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
        if c0 <= level <= c1 and c1 > c0:
            return t0 + (t1 - t0) * (level - c0) / (c1 - c0)
    return None


def rate_of(samples, tuples, notes):
    """Million connections per second over the pass, or None."""
    lo, hi = 0.1 * tuples, 0.9 * tuples
    if not samples:
        return None
    t_lo = crossing(samples, lo)
    c_lo = lo
    if t_lo is None:
        # The first sample came after 10 %: start from it if it is early enough.
        t_first, c_first = samples[0]
        if c_first >= 0.5 * tuples:
            notes.append("the first sample came after half of the pass; reading dropped")
            return None
        t_lo, c_lo = t_first, c_first
        notes.append("first sample at %.0f %% of the pass" % (100.0 * c_first / tuples))
    t_hi = crossing(samples, hi)
    if t_hi is None or t_hi <= t_lo:
        notes.append("the pass did not reach 90 %% (%d of %d)" % (samples[-1][1], tuples))
        return None
    between = sum(1 for t, _ in samples if t_lo <= t <= t_hi)
    if between < 5:
        notes.append("only %d samples within the pass" % between)
    return (hi - c_lo) / (t_hi - t_lo) / 1e6


def sample_until(read, tuples, base, deadline_s):
    """Samples read() - base as (time, count) until the pass is complete or time is up."""
    samples = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        t0 = time.monotonic()
        c = read() - base
        t1 = time.monotonic()
        samples.append(((t0 + t1) / 2, c))
        if c >= tuples:
            break
    return samples


def run_dse(a):
    rpc = Rpc(a.socket)
    port = json.loads(a.port)

    def sink_tx():
        for p in rpc.call("ports.list")["ports"]:
            if p["name"] == "sink":
                return p["tx_packets"]
        raise RuntimeError("no port sink")

    def new_count():
        return rpc.call("fw.show")["counters"]["connections-new"]

    notes = []
    for _ in range(a.readings):
        try:
            rpc.call("port.del", {"name": port["name"]})
        except RuntimeError:
            pass  # not there yet
        time.sleep(0.2)
        rpc.call("ct.flush", {})
        left = rpc.call("ct.show", {"limit": 1})["connections"]
        if left:
            notes.append("%d connections left after the flush" % left)
        base, new0 = sink_tx(), new_count()
        t_add = time.monotonic()
        rpc.call("port.add", port)
        t_added = time.monotonic()
        samples = sample_until(sink_tx, a.tuples, base, 30)
        if a.verbose:
            print("port.add took %.1f ms; first samples %s" % (
                (t_added - t_add) * 1e3,
                [(round((t - t_added) * 1e3, 1), c) for t, c in samples[:5]]), file=sys.stderr)
        created = new_count() - new0
        if created < 0.99 * a.tuples:
            notes.append("connections-new grew by %d, not %d" % (created, a.tuples))
        r = rate_of(samples, a.tuples, notes)
        if r is not None:
            print("rate %.3f" % r, flush=True)
    for n in notes:
        print("note dse: %s" % n)


def run_ovs(a):
    db = "unix:" + a.ovs_db
    vsctl = ["ovs-vsctl", "--timeout=60", "--db=" + db]

    ctl = Unixctl(a.ovs_ctl)

    def connections():
        # the connections conntrack holds: after a flush, those the pass created
        return int(ctl.call("dpctl/ct-get-nconns").strip())

    def sink_tx():
        out = subprocess.run(["ovs-ofctl", "dump-ports", "br0", "sink"], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "tx pkts=" in line:
                return int(line.split("pkts=")[1].split(",")[0])
        raise RuntimeError("no tx counter for sink")

    notes = []
    for k in range(a.readings):
        subprocess.run(vsctl + ["--if-exists", "del-port", "br0", "src"], check=True)
        time.sleep(0.5)
        ctl.call("dpctl/flush-conntrack")
        base, tx0 = connections(), sink_tx()
        # The port comes up while ovs-vsctl waits for vswitchd: sample from before it.
        devargs = a.port.replace("_ctnew,", "_ctnew%d," % k, 1)
        adder = threading.Thread(target=subprocess.run, args=(vsctl + [
            "add-port", "br0", "src", "--", "set", "Interface", "src", "type=dpdk",
            "ofport_request=1", "options:dpdk-devargs=" + devargs],), kwargs={"check": True})
        adder.start()
        samples = sample_until(connections, a.tuples, base, 60)
        adder.join()
        time.sleep(0.2)
        sent = sink_tx() - tx0
        if sent < 0.99 * a.tuples:
            notes.append("the sink got %d packets, fewer than the pass's %d" % (sent, a.tuples))
        r = rate_of(samples, a.tuples, notes)
        if r is not None:
            print("rate %.3f" % r, flush=True)
    for n in notes:
        print("note OVS: %s" % n)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("target", choices=["dse", "ovs"])
    p.add_argument("--socket")
    p.add_argument("--tuples", type=int, required=True)
    p.add_argument("--readings", type=int, default=3)
    p.add_argument("--port", required=True)
    p.add_argument("--ovs-db")
    p.add_argument("--ovs-ctl")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args()
    (run_dse if a.target == "dse" else run_ovs)(a)


if __name__ == "__main__":
    main()
