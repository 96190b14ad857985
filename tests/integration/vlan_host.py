#!/usr/bin/env python3
"""Hosts behind an 802.1Q trunk, for test_vlan.sh on kernels without VLAN devices (8021q).

Works on one interface through a raw packet socket:
  serve IFACE --host VLAN,IP,MAC [--host ...] --stats FILE
      answers ARP requests (RFC 826) and ICMP echo requests (RFC 792) for IP only when they
      arrive tagged with that host's VLAN, replying with the same tag; counts per VLAN and writes
      the counters as JSON to FILE on SIGTERM/SIGINT.
  broadcast IFACE --vlan VLAN --ip IP --mac MAC --dst IP --count N
      sends N ICMP echo requests to the Ethernet broadcast address, tagged VLAN.
The kernel hands received VLAN tags to packet sockets out of band (PACKET_AUXDATA), so the tag
is read from there, or from the frame when it is still inline.
"""
import argparse
import json
import os
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
AUXDATA = struct.Struct("=IIIHHHH")  # struct tpacket_auxdata


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tagged(dst, src, vlan, ethertype, payload):
    return dst + src + struct.pack("!HHH", ETH_P_8021Q, vlan, ethertype) + payload


def ipv4_icmp(src_ip, dst_ip, icmp):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0,
                         socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + icmp


def icmp_echo(kind, ident, seq, payload):
    body = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + payload
    return body[:2] + struct.pack("!H", checksum(body)) + body[4:]


def open_socket(iface):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    sock.bind((iface, 0))
    return sock


def receive(sock):
    """Returns (vlan or None, frame without tag) of the next frame received (not sent)."""
    while True:
        data, ancillary, _, address = sock.recvmsg(65535, socket.CMSG_SPACE(AUXDATA.size))
        if address[2] == PACKET_OUTGOING:
            continue
        vlan = None
        for level, kind, value in ancillary:
            if level == SOL_PACKET and kind == PACKET_AUXDATA and len(value) >= AUXDATA.size:
                status, _, _, _, _, tci, _ = AUXDATA.unpack(value[:AUXDATA.size])
                if status & TP_STATUS_VLAN_VALID:
                    vlan = tci & 0xFFF
        if vlan is None and len(data) >= 18 and struct.unpack("!H", data[12:14])[0] == ETH_P_8021Q:
            vlan = struct.unpack("!H", data[14:16])[0] & 0xFFF
            data = data[:12] + data[16:]
        return vlan, data


def answer(frame, host):
    """The reply (untagged payload and ethertype) host owes to frame, or None."""
    dst, src, ethertype = frame[:6], frame[6:12], struct.unpack("!H", frame[12:14])[0]
    body = frame[14:]
    if dst not in (b"\xff" * 6, host["mac"]):
        return None
    if ethertype == ETH_P_ARP and len(body) >= 28:
        op = struct.unpack("!H", body[6:8])[0]
        sha, spa, tpa = body[8:14], body[14:18], body[24:28]
        if op != 1 or tpa != host["ip_bytes"]:
            return None
        reply = body[:6] + struct.pack("!H", 2) + host["mac"] + host["ip_bytes"] + sha + spa
        return "arp", src, ETH_P_ARP, reply
    if ethertype == ETH_P_IP and len(body) >= 28:
        header_len = (body[0] & 0xF) * 4
        total_len = struct.unpack("!H", body[2:4])[0]
        if body[9] != 1 or body[16:20] != host["ip_bytes"] or total_len > len(body):
            return None
        icmp = body[header_len:total_len]
        if len(icmp) < 8 or icmp[0] != 8:
            return None
        ident, seq = struct.unpack("!HH", icmp[4:8])
        reply = ipv4_icmp(host["ip"], socket.inet_ntoa(body[12:16]),
                          icmp_echo(0, ident, seq, icmp[8:]))
        return "echo", src, ETH_P_IP, reply
    return None


def serve(args):
    hosts = {}
    for spec in args.host:
        vlan, ip, mac = spec.split(",")
        hosts[int(vlan)] = {"ip": ip, "ip_bytes": socket.inet_aton(ip), "mac": mac_bytes(mac)}
    counts = {str(v): {"arp": 0, "echo": 0, "frames": 0} for v in hosts}
    counts["untagged"] = {"frames": 0}
    counts["other-vlan"] = {"frames": 0}

    def stop(*_):
        with open(args.stats + ".tmp", "w") as out:
            json.dump(counts, out)
        os.rename(args.stats + ".tmp", args.stats)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sock = open_socket(args.iface)
    print("serving", flush=True)
    while True:
        vlan, frame = receive(sock)
        if vlan is None:
            counts["untagged"]["frames"] += 1
            continue
        if vlan not in hosts:
            counts["other-vlan"]["frames"] += 1
            continue
        counts[str(vlan)]["frames"] += 1
        reply = answer(frame, hosts[vlan])
        if reply is None:
            continue
        kind, dst, ethertype, payload = reply
        sock.send(tagged(dst, hosts[vlan]["mac"], vlan, ethertype, payload))
        counts[str(vlan)][kind] += 1


def broadcast(args):
    sock = open_socket(args.iface)
    for seq in range(1, args.count + 1):
        packet = ipv4_icmp(args.ip, args.dst, icmp_echo(8, 0x4242, seq, b"dse-vlan-test"))
        sock.send(tagged(b"\xff" * 6, mac_bytes(args.mac), args.vlan, ETH_P_IP, packet))
        time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve")
    p.add_argument("iface")
    p.add_argument("--host", action="append", required=True, help="VLAN,IP,MAC")
    p.add_argument("--stats", required=True)
    p = sub.add_parser("broadcast")
    p.add_argument("iface")
    p.add_argument("--vlan", type=int, required=True)
    p.add_argument("--ip", required=True)
    p.add_argument("--mac", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, default=5)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
    else:
        broadcast(args)


if __name__ == "__main__":
    main()
