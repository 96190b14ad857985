#!/usr/bin/python3
"""Checks dse-gen-traffic's output by dissecting it with scapy (an independent pcap and
packet parser): packet count, frame size, distinct flows and destination MACs, valid IPv4
checksums, Geneve encapsulation, and that two runs write the same bytes.

usage: check_traffic.py PATH-TO-dse-gen-traffic   (exit 77 = skipped: scapy missing)
"""
import os
import subprocess
import sys
import tempfile

try:
    from scapy.all import Ether, IP, UDP, rdpcap
    from scapy.contrib.geneve import GENEVE
except ImportError:
    print("scapy not installed: skipped")
    sys.exit(77)

GEN = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def gen(path, *args):
    subprocess.run([GEN, "-o", path, *args], check=True)
    return rdpcap(path)


with tempfile.TemporaryDirectory() as d:
    # 3,000 flows towards 100 destination hosts, 64-byte frames on the wire.
    p = os.path.join(d, "a.pcap")
    pkts = gen(p, "--flows", "3000", "--dst-macs", "100")
    check(len(pkts) == 3000, "3000 packets, got %d" % len(pkts))
    check(all(len(x) == 60 for x in pkts), "every frame 60 bytes + FCS")
    tuples = {(x[IP].src, x[IP].dst, x[UDP].sport, x[UDP].dport) for x in pkts}
    check(len(tuples) == 3000, "3000 distinct 5-tuples, got %d" % len(tuples))
    check(len({x[Ether].src for x in pkts}) == 3000, "3000 distinct source MACs")
    dsts = {x[Ether].dst for x in pkts}
    check(len(dsts) == 100, "100 distinct destination MACs, got %d" % len(dsts))
    listed = subprocess.run([GEN, "--flows", "3000", "--dst-macs", "100", "--print-dst-macs"],
                            check=True, capture_output=True, text=True).stdout.split()
    check(set(listed) == dsts and len(listed) == 100, "--print-dst-macs lists the same MACs")
    check(all(int(m.split(":")[0], 16) & 3 == 2 for m in dsts | {x[Ether].src for x in pkts}),
          "MACs are locally administered unicast")
    for x in pkts[:50]:
        raw = bytes(x)
        ip = IP(raw[14:])
        want = ip.chksum
        del ip.chksum
        check(IP(bytes(ip)).chksum == want, "IPv4 checksum of packet valid")
        check(ip.src.startswith("198.18.") and ip.dst.startswith("198.19."),
              "addresses in 198.18.0.0/15")
    # Same options, same bytes.
    q = os.path.join(d, "b.pcap")
    gen(q, "--flows", "3000", "--dst-macs", "100")
    check(open(p, "rb").read() == open(q, "rb").read(), "deterministic output")

    # Few flows: the file is repeated up to 1024 packets; frame size honoured.
    pkts = gen(p, "--flows", "10", "--frame-size", "128")
    check(len(pkts) == 1030, "10 flows -> 1030 packets, got %d" % len(pkts))
    check(all(len(x) == 124 for x in pkts), "128-byte frames on the wire")
    check(pkts[0][UDP].sport == pkts[10][UDP].sport and pkts[0][IP].src != pkts[1][IP].src,
          "round-robin flow order")

    # Geneve: outer UDP 6081, VNI, inner frame intact.
    pkts = gen(p, "--flows", "1000", "--geneve", "5001", "--frame-size", "114",
               "--outer-dst-mac", "aa:55:aa:55:00:01")
    check(len(pkts) == 1024 // 1000 * 1000 + (1000 if 1024 % 1000 else 0),
          "geneve packet count")
    g = pkts[5]
    check(len(g) == 110, "geneve frame 110 bytes")
    check(g[Ether].dst == "aa:55:aa:55:00:01", "outer destination MAC")
    check(g[UDP].dport == 6081 and g[GENEVE].vni == 5001, "Geneve VNI 5001 on port 6081")
    inner = g[GENEVE].payload
    check(inner.haslayer(UDP) and inner[UDP].dport == 5001 and inner[IP].dst.startswith("198.19."),
          "inner Ethernet/IPv4/UDP frame")

    # --reply: the same flows in the other direction, packet for packet.
    fwd = gen(p, "--flows", "2000", "--dst-macs", "10", "--fixed-src-mac")
    rev = gen(q, "--flows", "2000", "--dst-macs", "10", "--fixed-src-mac", "--reply")
    check(len(rev) == len(fwd) == 2000, "reply file as long as the forward file")
    check(all(a[Ether].src == b[Ether].dst and a[Ether].dst == b[Ether].src and
              a[IP].src == b[IP].dst and a[IP].dst == b[IP].src and
              a[UDP].sport == b[UDP].dport and a[UDP].dport == b[UDP].sport
              for a, b in zip(fwd, rev)), "each reply swaps MACs, addresses and ports")

    # Bad options are refused.
    r = subprocess.run([GEN, "--flows", "0", "-o", p], capture_output=True)
    check(r.returncode != 0, "--flows 0 refused")
    r = subprocess.run([GEN, "--geneve", "1", "--frame-size", "64", "-o", p], capture_output=True)
    check(r.returncode != 0, "geneve frame too small refused")

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
