#!/usr/bin/env python3
"""dns_server.py - a tiny DNS server for the --dns test, on loopback only.

    python3 dns_server.py KEYFILE SECONDS

Answers TXT queries for the records of KEYFILE (leakdex's key-file format)
and NXDOMAIN for any other name; binds 127.0.0.1 on a free UDP port, prints
the port on its first line, and exits after SECONDS.
"""
import socket, struct, sys, time

def load(path):
    records = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, rest = line.partition(" ")
        value = rest.split("#")[0].strip()
        if '"' in value:
            value = "".join(value.split('"')[1::2])
        records.setdefault(name.lower().rstrip("."), []).append(value)
    return records

def qname(packet, pos):
    labels = []
    while packet[pos]:
        n = packet[pos]
        labels.append(packet[pos + 1:pos + 1 + n].decode())
        pos += n + 1
    return ".".join(labels).lower(), pos + 1

def main():
    records = load(sys.argv[1])
    deadline = time.time() + float(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    s.settimeout(0.2)
    while time.time() < deadline:
        try:
            packet, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        qid, flags = struct.unpack(">HH", packet[:4])
        name, end = qname(packet, 12)
        qtype, _ = struct.unpack(">HH", packet[end:end + 4])
        question = packet[12:end + 4]
        values = records.get(name, []) if qtype == 16 else []
        rcode = 0 if name in records else 3
        answers = b""
        for v in values:
            data = v.encode()
            chunks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                              for i in range(0, len(data), 255))
            answers += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(chunks)) + chunks
        header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, len(values), 0, 0)
        s.sendto(header + question + answers, peer)

if __name__ == "__main__":
    main()
